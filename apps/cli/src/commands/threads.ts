/**
 * `codex-ts threads export|import`: threads out of one store and into another, losslessly — each
 * thread is one line of the `codex-ts-thread/1` format (metadata, goal, and every history line as
 * the exact text stored), so a thread exported, imported and exported again is byte-identical in
 * its items. Typical use: `threads export --store local | threads import --store postgres://…`.
 */
import { createWriteStream } from "node:fs";
import { createRequire } from "node:module";
import { open } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { loadConfig } from "@codex-ts/core";
import {
  allThreadIds,
  openThreadStore,
  parseTransferLine,
  serializeTransferLine,
  type ThreadStore,
} from "@codex-ts/thread-store";
import type { GlobalOverrides } from "../cli.js";
import { resolveCodexHome } from "../home.js";
import { type CliIO, EXIT_OK, failure, usageError } from "../io.js";
import { type OptionValues, parseCommandArgs, stringList, stringValue } from "../parse.js";
import { renderHelp } from "../spec.js";
import { THREADS, THREADS_EXPORT, THREADS_IMPORT } from "../specs/threads.js";

export const THREAD_STORE_URL_ENV = "CODEX_THREAD_STORE_URL";

/** The `thread_store.url` a `-c` override sets (the last one wins), if any. */
export function threadStoreUrlOverride(overrides: readonly string[]): string | undefined {
  let url: string | undefined;
  for (const text of overrides) {
    const eq = text.indexOf("=");
    if (eq < 0 || text.slice(0, eq).trim() !== "thread_store.url") continue;
    const raw = text.slice(eq + 1).trim();
    url = /^(".*"|'.*')$/.test(raw) ? raw.slice(1, -1) : raw;
  }
  return url;
}

/** The environment for an app-server the CLI starts: `-c thread_store.url=…` travels as CODEX_THREAD_STORE_URL. */
export function envWithThreadStore(env: NodeJS.ProcessEnv, overrides: readonly string[]): NodeJS.ProcessEnv {
  const url = threadStoreUrlOverride(overrides);
  return url === undefined ? env : { ...env, [THREAD_STORE_URL_ENV]: url };
}

export async function runThreadsCommand(argv: readonly string[], io: CliIO, globals: GlobalOverrides): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h") {
    io.stdout.write(renderHelp(THREADS));
    return name === undefined ? usageError(io, "a subcommand is required (export or import)", "codex-ts threads") : EXIT_OK;
  }
  const spec = name === "export" ? THREADS_EXPORT : name === "import" ? THREADS_IMPORT : undefined;
  if (!spec) return usageError(io, `unrecognized subcommand '${name}'`, "codex-ts threads");
  const parsed = parseCommandArgs(spec, rest);
  if (!parsed.ok) return usageError(io, parsed.error, `codex-ts threads ${name}`);
  if (parsed.values.help) {
    io.stdout.write(renderHelp(spec));
    return EXIT_OK;
  }
  if (name === "import" && parsed.positionals.length > 0) {
    return usageError(io, `unexpected argument '${parsed.positionals[0]}'`, "codex-ts threads import");
  }
  const store = await openStore(io, parsed.values, [...globals.config, ...stringList(parsed.values, "config")]);
  if (typeof store === "string") return failure(io, store);
  try {
    return name === "export" ? await exportThreads(io, store, parsed.values, parsed.positionals) : await importThreads(io, store, parsed.values);
  } finally {
    await store.close();
  }
}

/** `--store`, else -c thread_store.url, else CODEX_THREAD_STORE_URL, else config.toml, else local. */
async function openStore(io: CliIO, values: OptionValues, overrides: string[]): Promise<ThreadStore | string> {
  const home = resolveCodexHome(io.env);
  if (!home.ok) return home.error;
  let url = stringValue(values, "store") ?? threadStoreUrlOverride(overrides) ?? io.env[THREAD_STORE_URL_ENV]?.trim();
  if (!url) {
    const loaded = loadConfig({ codexHome: home.path, env: io.env, overrides });
    if (!loaded.ok) return `invalid configuration: ${loaded.error}`;
    const section = loaded.config.toml.thread_store as { url?: unknown } | undefined;
    if (section?.url !== undefined && typeof section.url !== "string") return "invalid configuration: thread_store.url must be a string";
    url = section?.url as string | undefined;
  }
  const opened = await openThreadStore({ codexHome: home.path, url: url ?? null, importPackage: importStorePackage });
  return opened.ok ? opened.value : opened.error.message;
}

/**
 * The PostgreSQL package, imported from here; until the CLI lists it among its own (optional)
 * dependencies, resolved the way the app-server — which does list it — would resolve it.
 */
async function importStorePackage(name: string): Promise<unknown> {
  try {
    return await import(name);
  } catch (error) {
    const appServer = typeof import.meta.resolve === "function" ? import.meta.resolve("@codex-ts/app-server") : undefined;
    if (!appServer) throw error;
    return import(pathToFileURL(createRequire(appServer).resolve(name)).href);
  }
}

async function exportThreads(io: CliIO, store: ThreadStore, values: OptionValues, ids: string[]): Promise<number> {
  let wanted = ids;
  if (wanted.length === 0) {
    const all = await allThreadIds(store);
    if (!all.ok) return failure(io, `cannot list threads: ${all.error.message}`);
    wanted = all.value;
  }
  const out = stringValue(values, "out");
  const sink: Writable = out ? createWriteStream(path.resolve(io.cwd, out), { mode: 0o600 }) : io.stdout;
  try {
    for (const id of wanted) {
      const exported = await store.exportThread(id);
      if (!exported.ok) return failure(io, `cannot export thread ${id}: ${exported.error.message}`);
      if (!sink.write(`${serializeTransferLine(exported.value)}\n`)) await new Promise((resolve) => sink.once("drain", resolve));
    }
  } finally {
    if (out) await new Promise<void>((resolve, reject) => sink.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
  io.stderr.write(`exported ${wanted.length} thread${wanted.length === 1 ? "" : "s"}\n`);
  return EXIT_OK;
}

async function importThreads(io: CliIO, store: ThreadStore, values: OptionValues): Promise<number> {
  const file = stringValue(values, "in");
  let input: Readable = io.stdin;
  if (file) {
    try {
      input = (await open(path.resolve(io.cwd, file))).createReadStream();
    } catch (error) {
      return failure(io, `cannot read ${file}: ${(error as Error).message}`);
    }
  }
  const skipExisting = values["skip-existing"] === true;
  let imported = 0;
  let skipped = 0;
  let lineNo = 0;
  for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNo++;
    if (text.trim() === "") continue;
    const thread = parseTransferLine(text);
    if (!thread.ok) return failure(io, `line ${lineNo}: ${thread.error.message} (${imported} imported before it)`);
    const stored = await store.importThread(thread.value);
    if (stored.ok) imported++;
    else if (stored.error.code === "already_exists" && skipExisting) skipped++;
    else return failure(io, `line ${lineNo}: cannot import thread ${thread.value.thread.id}: ${stored.error.message} (${imported} imported before it)`);
  }
  io.stderr.write(`imported ${imported} thread${imported === 1 ? "" : "s"}${skipped ? `, ${skipped} already there` : ""}\n`);
  return EXIT_OK;
}
