// Methods: fs/* (host files and watches for the client). Semantics follow Codex's app-server: paths must be
// absolute (else -32602), contents travel as base64, filesystem failures answer -32603 with the OS
// error's message, and requests Codex rejects as unsupported answer -32600.
import { type FSWatcher, type Stats, watch } from "node:fs";
import * as fsp from "node:fs/promises";
import path from "node:path";
import * as z from "zod";
import { internalError, invalidRequest, RpcError } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { type AppServerConnection, type MethodSpec, method } from "../server.js";

/** An absolute host path (Codex's `AbsolutePathBuf`). */
const AbsolutePath = z
  .string()
  .refine((value) => path.isAbsolute(value), { message: "must be an absolute path" });

const FsPathParams = z.object({ path: AbsolutePath });
const FsWriteFileParams = z.object({ path: AbsolutePath, dataBase64: z.string() });
const FsCreateDirectoryParams = z.object({ path: AbsolutePath, recursive: z.boolean().nullish() });
const FsRemoveParams = z.object({
  path: AbsolutePath,
  recursive: z.boolean().nullish(),
  force: z.boolean().nullish(),
});
const FsWatchParams = z.object({ path: AbsolutePath, watchId: z.string() });
const FsUnwatchParams = z.object({ watchId: z.string() });
const FsCopyParams = z.object({
  sourcePath: AbsolutePath,
  destinationPath: AbsolutePath,
  recursive: z.boolean().optional(),
});

/** Strict standard base64 (padding required, no whitespace), as Codex decodes it. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A filesystem failure as Codex reports it: an internal error carrying the OS message. */
function ioError(error: unknown): RpcError {
  if (error instanceof RpcError) return error;
  return internalError(error instanceof Error ? error.message : String(error));
}

/** Runs a filesystem operation, turning any failure into a JSON-RPC error. */
async function io<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw ioError(error);
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

/** `stat` that answers undefined instead of failing (dangling symlinks, races). */
async function statOrUndefined(target: string): Promise<Stats | undefined> {
  try {
    return await fsp.stat(target);
  } catch {
    return undefined;
  }
}

const unixMs = (ms: number): number => (Number.isFinite(ms) && ms > 0 ? Math.floor(ms) : 0);

async function copySymlink(source: string, target: string): Promise<void> {
  await fsp.symlink(await fsp.readlink(source), target);
}

/** Copies a directory tree; symlinks are copied as links, special files (FIFOs, sockets…) skipped. */
async function copyTree(source: string, target: string): Promise<void> {
  await fsp.mkdir(target, { recursive: true });
  for (const entry of await fsp.readdir(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    if (entry.isDirectory()) await copyTree(from, to);
    else if (entry.isFile()) await fsp.copyFile(from, to);
    else if (entry.isSymbolicLink()) await copySymlink(from, to);
  }
}

/** The real path `target` would have: its longest existing ancestor resolved, the rest appended. */
async function resolvePending(target: string): Promise<string> {
  const suffix: string[] = [];
  let existing = path.resolve(target);
  for (;;) {
    try {
      return path.join(await fsp.realpath(existing), ...suffix.reverse());
    } catch (error) {
      const parent = path.dirname(existing);
      if (!isNotFound(error) || parent === existing) throw error;
      suffix.push(path.basename(existing));
      existing = parent;
    }
  }
}

function isSameOrInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/** Codex batches a watch's low-level events for this long into one `fs/changed`. */
const FS_CHANGED_DEBOUNCE_MS = 200;

/**
 * One `fs/watch`: a non-recursive watch of a directory (its direct children), or of a file through
 * its parent directory (so a file replaced by rename, or created later, is still seen). Changed
 * paths are batched for FS_CHANGED_DEBOUNCE_MS and sent sorted as one `fs/changed`.
 */
class PathWatch {
  readonly #pending = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #watcher: FSWatcher | undefined;

  constructor(
    readonly watchId: string,
    private readonly server: AppServerConnection,
  ) {}

  async start(target: string): Promise<void> {
    const isDirectory = (await statOrUndefined(target))?.isDirectory() ?? false;
    const watched = isDirectory ? target : path.dirname(target);
    const watcher = watch(watched, { persistent: false }, (_event, name) => {
      if (isDirectory) this.#changed(name ? path.join(target, name.toString()) : target);
      else if (!name || name.toString() === path.basename(target)) this.#changed(target);
    });
    watcher.on("error", () => this.close());
    this.#watcher = watcher;
  }

  #changed(changedPath: string): void {
    this.#pending.add(changedPath);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      const changedPaths = [...this.#pending].sort();
      this.#pending.clear();
      if (changedPaths.length > 0) this.server.notify("fs/changed", { watchId: this.watchId, changedPaths });
    }, FS_CHANGED_DEBOUNCE_MS);
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}

/** The watches of each connection, by watchId; dropped when the connection closes. */
function watchesOf(all: WeakMap<AppServerConnection, Map<string, PathWatch>>, server: AppServerConnection) {
  let watches = all.get(server);
  if (!watches) {
    const created = new Map<string, PathWatch>();
    all.set(server, created);
    const closeAll = () => {
      for (const entry of created.values()) entry.close();
      created.clear();
    };
    void server.closed.then(closeAll, closeAll);
    watches = created;
  }
  return watches;
}

/** [method name, spec] pairs, registered by buildMethods (methods/index.ts). */
export function fsMethods(_runtime: Runtime): Array<[string, MethodSpec]> {
  const watches = new WeakMap<AppServerConnection, Map<string, PathWatch>>();
  return [
    [
      "fs/readFile",
      method({
        params: FsPathParams,
        handler: async (p) => ({ dataBase64: (await io(() => fsp.readFile(p.path))).toString("base64") }),
      }),
    ],
    [
      "fs/getMetadata",
      method({
        params: FsPathParams,
        handler: async (p) => {
          const link = await io(() => fsp.lstat(p.path));
          const stats = link.isSymbolicLink() ? await io(() => fsp.stat(p.path)) : link;
          return {
            isDirectory: stats.isDirectory(),
            isFile: stats.isFile(),
            isSymlink: link.isSymbolicLink(),
            createdAtMs: unixMs(stats.birthtimeMs),
            modifiedAtMs: unixMs(stats.mtimeMs),
          };
        },
      }),
    ],
    [
      "fs/readDirectory",
      method({
        params: FsPathParams,
        handler: async (p) => {
          const dirents = await io(() => fsp.readdir(p.path, { withFileTypes: true }));
          const entries = await Promise.all(
            dirents.map(async (entry) => {
              const resolved = entry.isSymbolicLink()
                ? await statOrUndefined(path.join(p.path, entry.name))
                : entry;
              return {
                fileName: entry.name,
                isDirectory: resolved?.isDirectory() ?? false,
                isFile: resolved?.isFile() ?? false,
              };
            }),
          );
          return { entries };
        },
      }),
    ],
    [
      "fs/writeFile",
      method({
        params: FsWriteFileParams,
        handler: async (p) => {
          if (!BASE64.test(p.dataBase64))
            throw invalidRequest("fs/writeFile requires valid base64 dataBase64");
          await io(() => fsp.writeFile(p.path, Buffer.from(p.dataBase64, "base64")));
          return {};
        },
      }),
    ],
    [
      "fs/createDirectory",
      method({
        params: FsCreateDirectoryParams,
        handler: async (p) => {
          await io(() => fsp.mkdir(p.path, { recursive: p.recursive ?? true }));
          return {};
        },
      }),
    ],
    [
      "fs/remove",
      method({
        params: FsRemoveParams,
        handler: async (p) => {
          let link: Stats;
          try {
            link = await fsp.lstat(p.path);
          } catch (error) {
            if (isNotFound(error) && (p.force ?? true)) return {};
            throw ioError(error);
          }
          if (!link.isDirectory()) await io(() => fsp.unlink(p.path));
          else if (p.recursive ?? true) await io(() => fsp.rm(p.path, { recursive: true, force: false }));
          else await io(() => fsp.rmdir(p.path));
          return {};
        },
      }),
    ],
    [
      "fs/copy",
      method({
        params: FsCopyParams,
        handler: async (p) => {
          const { sourcePath: source, destinationPath: target } = p;
          const link = await io(() => fsp.lstat(source));
          if (link.isDirectory()) {
            if (!p.recursive)
              throw invalidRequest("fs/copy requires recursive: true when sourcePath is a directory");
            const [realSource, realTarget] = await io(() =>
              Promise.all([fsp.realpath(source), resolvePending(target)]),
            );
            if (isSameOrInside(realTarget, realSource))
              throw invalidRequest("fs/copy cannot copy a directory to itself or one of its descendants");
            await io(() => copyTree(source, target));
          } else if (link.isSymbolicLink()) await io(() => copySymlink(source, target));
          else if (link.isFile()) await io(() => fsp.copyFile(source, target));
          else throw invalidRequest("fs/copy only supports regular files, directories, and symlinks");
          return {};
        },
      }),
    ],
    [
      "fs/watch",
      method({
        params: FsWatchParams,
        handler: async (p, ctx) => {
          const mine = watchesOf(watches, ctx.server);
          if (mine.has(p.watchId)) throw invalidRequest(`watchId already exists: ${p.watchId}`);
          const entry = new PathWatch(p.watchId, ctx.server);
          mine.set(p.watchId, entry);
          try {
            await entry.start(p.path);
          } catch (error) {
            mine.delete(p.watchId);
            throw ioError(error);
          }
          return { path: p.path };
        },
      }),
    ],
    [
      "fs/unwatch",
      method({
        params: FsUnwatchParams,
        handler: (p, ctx) => {
          const mine = watchesOf(watches, ctx.server);
          mine.get(p.watchId)?.close();
          mine.delete(p.watchId);
          return {};
        },
      }),
    ],
  ];
}
