/**
 * fs/* methods against real temp files: base64 contents, metadata, directory listings, writes,
 * directory creation, removal, copies and watches, with Codex's error codes for bad input and I/O
 * failures. Every response is checked by the harness against its official `Fs…Response` definition.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { type AppServerProcess, type Message, type RpcResult, useAppServerFixture } from "./harness.js";
import { responseSchemaName } from "./schema.js";

const fx = useAppServerFixture();
let dir: string;
let s: AppServerProcess;

beforeEach(async () => {
  dir = realpathSync(fx.tempDir("codex-fs-"));
  s = await fx.boot();
});

/** `s.request` (the harness checks each result against its official `Fs…Response` definition). */
const req = (method: string, params: unknown): Promise<RpcResult> => s.request(method, params);

/** Sends a request that must succeed; resolves with its result. */
async function ok(method: string, params: unknown): Promise<unknown> {
  const r = await req(method, params);
  if (r.error) throw new Error(`${method} failed: ${JSON.stringify(r.error)}`);
  return r.result;
}

it("the harness checks every fs/* response against its official definition", () => {
  for (const name of [
    "readFile",
    "getMetadata",
    "readDirectory",
    "writeFile",
    "createDirectory",
    "remove",
    "copy",
    "watch",
    "unwatch",
  ])
    expect(responseSchemaName(`fs/${name}`)).toBe(`Fs${name[0]?.toUpperCase()}${name.slice(1)}Response`);
});

const b64 = (text: string | Buffer) => Buffer.from(text).toString("base64");

describe("fs/readFile", () => {
  it("returns the file's bytes as base64, binary included", async () => {
    const bytes = Buffer.from([0, 1, 2, 254, 255, 10, 13]);
    writeFileSync(path.join(dir, "bin.dat"), bytes);
    const r = await req("fs/readFile", { path: path.join(dir, "bin.dat") });
    expect(r.error).toBeUndefined();
    expect(Buffer.from((r.result as { dataBase64: string }).dataBase64, "base64")).toEqual(bytes);
  });

  it("rejects a relative path with -32602 naming the field", async () => {
    const r = await req("fs/readFile", { path: "relative/file.txt" });
    expect(r.error?.code).toBe(-32602);
    expect(r.error?.message).toMatch(/path/);
    expect(r.error?.message).toMatch(/absolute/);
  });

  it("answers a missing file with an internal error carrying the OS message", async () => {
    const r = await req("fs/readFile", { path: path.join(dir, "missing.txt") });
    expect(r.error?.code).toBe(-32603);
    expect(r.error?.message).toMatch(/no such file or directory/i);
  });
});

describe("fs/getMetadata", () => {
  it("describes files, directories and symlinks", async () => {
    writeFileSync(path.join(dir, "a.txt"), "hello");
    mkdirSync(path.join(dir, "sub"));
    symlinkSync(path.join(dir, "sub"), path.join(dir, "link"));
    const file = (await req("fs/getMetadata", { path: path.join(dir, "a.txt") })).result as Record<
      string,
      unknown
    >;
    expect(file).toMatchObject({ isFile: true, isDirectory: false, isSymlink: false });
    expect(file.modifiedAtMs).toBe(Math.floor(lstatSync(path.join(dir, "a.txt")).mtimeMs));
    const sub = (await req("fs/getMetadata", { path: path.join(dir, "sub") })).result;
    expect(sub).toMatchObject({ isFile: false, isDirectory: true, isSymlink: false });
    const link = (await req("fs/getMetadata", { path: path.join(dir, "link") })).result;
    expect(link).toMatchObject({ isFile: false, isDirectory: true, isSymlink: true });
  });

  it("fails on a missing path", async () => {
    const r = await req("fs/getMetadata", { path: path.join(dir, "nope") });
    expect(r.error?.code).toBe(-32603);
  });
});

describe("fs/readDirectory", () => {
  it("lists direct children by name with their kinds, following symlinks", async () => {
    writeFileSync(path.join(dir, "a.txt"), "a");
    mkdirSync(path.join(dir, "sub", "deeper"), { recursive: true });
    symlinkSync(path.join(dir, "a.txt"), path.join(dir, "to-file"));
    symlinkSync(path.join(dir, "gone"), path.join(dir, "dangling"));
    const r = await req("fs/readDirectory", { path: dir });
    const entries = [...(r.result as { entries: { fileName: string }[] }).entries].sort((x, y) =>
      x.fileName.localeCompare(y.fileName),
    );
    expect(entries).toEqual([
      { fileName: "a.txt", isDirectory: false, isFile: true },
      { fileName: "dangling", isDirectory: false, isFile: false },
      { fileName: "sub", isDirectory: true, isFile: false },
      { fileName: "to-file", isDirectory: false, isFile: true },
    ]);
  });

  it("fails on a file path", async () => {
    writeFileSync(path.join(dir, "a.txt"), "a");
    const r = await req("fs/readDirectory", { path: path.join(dir, "a.txt") });
    expect(r.error?.code).toBe(-32603);
    expect(r.error?.message).toMatch(/not a directory/i);
  });
});

describe("fs/writeFile", () => {
  it("creates and overwrites files from base64", async () => {
    const target = path.join(dir, "out.txt");
    expect((await req("fs/writeFile", { path: target, dataBase64: b64("first version") })).result).toEqual(
      {},
    );
    expect(readFileSync(target, "utf8")).toBe("first version");
    await ok("fs/writeFile", { path: target, dataBase64: b64("2") });
    expect(readFileSync(target, "utf8")).toBe("2");
  });

  it("rejects invalid base64 with -32600 and writes nothing", async () => {
    const target = path.join(dir, "bad.txt");
    const r = await req("fs/writeFile", { path: target, dataBase64: "not base64!" });
    expect(r.error?.code).toBe(-32600);
    expect(r.error?.message).toMatch(/base64/);
    expect(existsSync(target)).toBe(false);
  });

  it("fails when the parent directory is missing", async () => {
    const r = await req("fs/writeFile", {
      path: path.join(dir, "no", "such", "x.txt"),
      dataBase64: b64("x"),
    });
    expect(r.error?.code).toBe(-32603);
  });

  it("requires dataBase64", async () => {
    const r = await req("fs/writeFile", { path: path.join(dir, "x.txt") });
    expect(r.error?.code).toBe(-32602);
    expect(r.error?.message).toMatch(/dataBase64/);
  });
});

describe("fs/createDirectory", () => {
  it("creates parents by default and is idempotent", async () => {
    const target = path.join(dir, "a", "b", "c");
    expect((await req("fs/createDirectory", { path: target })).result).toEqual({});
    expect(lstatSync(target).isDirectory()).toBe(true);
    expect((await req("fs/createDirectory", { path: target, recursive: null })).error).toBeUndefined();
  });

  it("with recursive: false needs the parent and fails on an existing directory", async () => {
    const missingParent = await req("fs/createDirectory", {
      path: path.join(dir, "x", "y"),
      recursive: false,
    });
    expect(missingParent.error?.code).toBe(-32603);
    expect(existsSync(path.join(dir, "x"))).toBe(false);
    await ok("fs/createDirectory", { path: path.join(dir, "x"), recursive: false });
    const again = await req("fs/createDirectory", { path: path.join(dir, "x"), recursive: false });
    expect(again.error?.code).toBe(-32603);
    expect(again.error?.message).toMatch(/exist/i);
  });
});

describe("fs/remove", () => {
  it("removes files and whole trees by default; a missing path is fine unless force is false", async () => {
    mkdirSync(path.join(dir, "tree", "inner"), { recursive: true });
    writeFileSync(path.join(dir, "tree", "inner", "f.txt"), "f");
    writeFileSync(path.join(dir, "file.txt"), "f");
    await ok("fs/remove", { path: path.join(dir, "tree") });
    await ok("fs/remove", { path: path.join(dir, "file.txt") });
    expect(existsSync(path.join(dir, "tree"))).toBe(false);
    expect(existsSync(path.join(dir, "file.txt"))).toBe(false);
    expect((await req("fs/remove", { path: path.join(dir, "tree") })).error).toBeUndefined();
    const strict = await req("fs/remove", { path: path.join(dir, "tree"), force: false });
    expect(strict.error?.code).toBe(-32603);
  });

  it("with recursive: false refuses a non-empty directory", async () => {
    mkdirSync(path.join(dir, "full"));
    writeFileSync(path.join(dir, "full", "f.txt"), "f");
    const r = await req("fs/remove", { path: path.join(dir, "full"), recursive: false });
    expect(r.error?.code).toBe(-32603);
    expect(existsSync(path.join(dir, "full", "f.txt"))).toBe(true);
    mkdirSync(path.join(dir, "empty"));
    await ok("fs/remove", { path: path.join(dir, "empty"), recursive: false });
    expect(existsSync(path.join(dir, "empty"))).toBe(false);
  });

  it("removes a symlink, not its target", async () => {
    mkdirSync(path.join(dir, "target"));
    writeFileSync(path.join(dir, "target", "keep.txt"), "k");
    symlinkSync(path.join(dir, "target"), path.join(dir, "link"));
    await ok("fs/remove", { path: path.join(dir, "link") });
    expect(existsSync(path.join(dir, "link"))).toBe(false);
    expect(readFileSync(path.join(dir, "target", "keep.txt"), "utf8")).toBe("k");
  });
});

describe("fs/copy", () => {
  it("copies a file, overwriting the destination", async () => {
    writeFileSync(path.join(dir, "src.txt"), "source");
    writeFileSync(path.join(dir, "dst.txt"), "old");
    await ok("fs/copy", {
      sourcePath: path.join(dir, "src.txt"),
      destinationPath: path.join(dir, "dst.txt"),
    });
    expect(readFileSync(path.join(dir, "dst.txt"), "utf8")).toBe("source");
  });

  it("copies a directory tree only with recursive: true, keeping symlinks as links", async () => {
    mkdirSync(path.join(dir, "src", "nested"), { recursive: true });
    writeFileSync(path.join(dir, "src", "nested", "f.txt"), "deep");
    symlinkSync("nested/f.txt", path.join(dir, "src", "rel-link"));
    const refused = await req("fs/copy", {
      sourcePath: path.join(dir, "src"),
      destinationPath: path.join(dir, "dst"),
    });
    expect(refused.error?.code).toBe(-32600);
    expect(refused.error?.message).toMatch(/recursive/);
    expect(existsSync(path.join(dir, "dst"))).toBe(false);

    await ok("fs/copy", {
      sourcePath: path.join(dir, "src"),
      destinationPath: path.join(dir, "dst"),
      recursive: true,
    });
    expect(readFileSync(path.join(dir, "dst", "nested", "f.txt"), "utf8")).toBe("deep");
    expect(readlinkSync(path.join(dir, "dst", "rel-link"))).toBe("nested/f.txt");
  });

  it("refuses to copy a directory into itself", async () => {
    mkdirSync(path.join(dir, "src"));
    const r = await req("fs/copy", {
      sourcePath: path.join(dir, "src"),
      destinationPath: path.join(dir, "src", "inner", "copy"),
      recursive: true,
    });
    expect(r.error?.code).toBe(-32600);
    expect(r.error?.message).toMatch(/itself or one of its descendants/);
    expect(existsSync(path.join(dir, "src", "inner"))).toBe(false);
  });

  it("fails on a missing source and rejects relative paths", async () => {
    const missing = await req("fs/copy", {
      sourcePath: path.join(dir, "none"),
      destinationPath: path.join(dir, "x"),
    });
    expect(missing.error?.code).toBe(-32603);
    const relative = await req("fs/copy", { sourcePath: path.join(dir, "none"), destinationPath: "x" });
    expect(relative.error?.code).toBe(-32602);
    expect(relative.error?.message).toMatch(/destinationPath/);
  });
});

describe("fs/watch and fs/unwatch", () => {
  const changed = (watchId: string, changedPath: string, from = 0): Promise<Message> =>
    s.waitFor(
      (m) =>
        m.method === "fs/changed" &&
        m.params.watchId === watchId &&
        m.params.changedPaths.includes(changedPath),
      30_000,
      `fs/changed for ${watchId} naming ${changedPath}`,
      from,
    );

  it("reports changes to a directory's direct children", async () => {
    expect(await ok("fs/watch", { path: dir, watchId: "w-dir" })).toEqual({ path: dir });
    const from = s.messages.length;
    writeFileSync(path.join(dir, "new.txt"), "x");
    const note = await changed("w-dir", path.join(dir, "new.txt"), from);
    expect(note.params.changedPaths).toEqual([...note.params.changedPaths].sort());
  });

  it("reports a watched file replaced by rename, as git does with HEAD", async () => {
    const head = path.join(dir, "HEAD");
    writeFileSync(head, "ref: refs/heads/main\n");
    await ok("fs/watch", { path: head, watchId: "w-head" });
    const from = s.messages.length;
    writeFileSync(path.join(dir, "HEAD.lock"), "ref: refs/heads/other\n");
    renameSync(path.join(dir, "HEAD.lock"), head);
    const note = await changed("w-head", head, from);
    expect(note.params.changedPaths).toEqual([head]);
  });

  it("rejects a duplicate watchId and a relative path; unwatch stops notifications", async () => {
    await ok("fs/watch", { path: dir, watchId: "w1" });
    const duplicate = await req("fs/watch", { path: dir, watchId: "w1" });
    expect(duplicate.error?.code).toBe(-32600);
    expect(duplicate.error?.message).toBe("watchId already exists: w1");
    expect((await req("fs/watch", { path: "rel", watchId: "w2" })).error?.code).toBe(-32602);

    expect(await ok("fs/unwatch", { watchId: "w1" })).toEqual({});
    const afterUnwatch = s.messages.length;
    writeFileSync(path.join(dir, "after-unwatch.txt"), "x");
    // A second watch sees a later change; w1's notification, had it been sent, would come first.
    await ok("fs/watch", { path: dir, watchId: "w3" });
    writeFileSync(path.join(dir, "later.txt"), "x");
    await changed("w3", path.join(dir, "later.txt"), afterUnwatch);
    expect(
      s.messages.slice(afterUnwatch).filter((m) => m.method === "fs/changed" && m.params.watchId === "w1"),
    ).toEqual([]);
    // Unwatching an unknown id is fine, as in Codex.
    expect(await ok("fs/unwatch", { watchId: "never" })).toEqual({});
  });
});
