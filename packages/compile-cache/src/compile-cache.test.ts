import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { requireWithCodeCache } from "./compile-cache.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), "compile-cache-"));
  dirs.push(d);
  return d;
}
function bundle(dir: string, body: string): string {
  const file = path.join(dir, "bundle.cjs");
  writeFileSync(file, body);
  return file;
}
/**
 * Loads once, running the exit-time write at once; returns what it reported. (Within one process V8
 * also keeps compiled scripts in memory; apps/cli/test/compile-cache.test.ts checks the cache across processes.)
 */
function load(file: string, cacheDir: string) {
  const writes: Array<() => void> = [];
  const loaded = requireWithCodeCache(file, {
    env: { CODEX_TS_COMPILE_CACHE: cacheDir },
    onExit: (w) => writes.push(w),
  });
  for (const w of writes) w();
  return { ...loaded, wrote: writes.length > 0 };
}

describe("requireWithCodeCache", () => {
  it("loads a CommonJS bundle, writes a private cache, then uses it", () => {
    const dir = temp();
    const cacheDir = path.join(dir, "cache");
    const file = bundle(
      dir,
      'const path = require("node:path"); exports.answer = (x) => x * 2; exports.base = path.basename(__filename);\n',
    );
    const first = load(file, cacheDir);
    expect(first.cache).toBe("none");
    expect(first.wrote).toBe(true);
    expect((first.exports as { answer(x: number): number }).answer(21)).toBe(42);
    expect((first.exports as { base: string }).base).toBe("bundle.cjs");
    const files = readdirSync(cacheDir);
    expect(files).toHaveLength(1);
    expect(statSync(path.join(cacheDir, files[0] as string)).mode & 0o777).toBe(0o600);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    const second = load(file, cacheDir);
    expect(second.cache).toBe("used");
    expect(second.wrote).toBe(false);
    expect((second.exports as { answer(x: number): number }).answer(4)).toBe(8);
  });

  it("keys the cache by the bundle's size and mtime (a new build gets its own)", () => {
    const dir = temp();
    const cacheDir = path.join(dir, "cache");
    const file = bundle(dir, "exports.v = 1;\n");
    load(file, cacheDir);
    writeFileSync(file, "exports.v = 22;\n");
    const rebuilt = load(file, cacheDir);
    expect(rebuilt.cache).toBe("none");
    expect((rebuilt.exports as { v: number }).v).toBe(22);
    // The first build's cache is recent: kept (two builds in use side by side).
    expect(readdirSync(cacheDir)).toHaveLength(2);
  });

  it("removes other builds' caches older than a day when it writes a new one, and nothing else", () => {
    const dir = temp();
    const cacheDir = path.join(dir, "cache");
    const file = bundle(dir, "exports.v = 1;\n");
    load(file, cacheDir);
    const [old] = readdirSync(cacheDir);
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    utimesSync(path.join(cacheDir, old as string), twoDaysAgo, twoDaysAgo);
    const other = path.join(cacheDir, "other.cjs-0123456789abcdef01234567.bin");
    writeFileSync(other, "another bundle's cache");
    utimesSync(other, twoDaysAgo, twoDaysAgo);
    writeFileSync(file, "exports.v = 333;\n");
    expect(load(file, cacheDir).cache).toBe("none");
    const left = readdirSync(cacheDir).sort();
    expect(left).toHaveLength(2);
    expect(left).not.toContain(old);
    expect(left).toContain("other.cjs-0123456789abcdef01234567.bin");
  });

  it("runs without a cache when it is disabled or the directory is not private", () => {
    const dir = temp();
    const file = bundle(dir, "exports.v = 3;\n");
    const off = requireWithCodeCache(file, { env: { CODEX_TS_COMPILE_CACHE: "0" }, onExit: () => {} });
    expect(off).toMatchObject({ cache: "off", exports: { v: 3 } });
    const shared = path.join(dir, "shared");
    load(file, shared);
    chmodSync(shared, 0o777);
    expect(load(file, shared)).toMatchObject({ cache: "off", wrote: false, exports: { v: 3 } });
  });

  it("rewrites a cache V8 rejects, and still runs the bundle", () => {
    const dir = temp();
    const cacheDir = path.join(dir, "cache");
    const file = bundle(dir, "exports.v = 5;\n");
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    load(file, cacheDir);
    const cacheFile = path.join(cacheDir, readdirSync(cacheDir)[0] as string);
    writeFileSync(cacheFile, "not V8 code cache data");
    // A source this process has not compiled yet (V8 would reuse its in-memory script otherwise),
    // with the same size and mtime, so that it maps to the same cache file.
    writeFileSync(file, "exports.v = 6;\n");
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const rejected = load(file, cacheDir);
    expect(rejected).toMatchObject({ cache: "rejected", wrote: true, exports: { v: 6 } });
    expect(readdirSync(cacheDir)).toEqual([path.basename(cacheFile)]);
    expect(readFileSync(cacheFile).toString()).not.toBe("not V8 code cache data");
    expect(readFileSync(cacheFile).length).toBeGreaterThan(0);
  });
});
