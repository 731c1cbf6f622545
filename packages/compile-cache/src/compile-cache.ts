// Loads a bundled CommonJS file with V8's code cache, so that a second start of the same build
// reuses the bytecode the first one compiled instead of parsing and compiling the bundle again.
// (Node 22 offers this for every module as `module.enableCompileCache()`; Node 20 does not.)
//
// The cache lives in a directory of this user's under the temp dir, made 0700 and checked before
// use (a cache file is code: nobody else may be able to write it). Its file name carries the
// bundle's size and mtime and Node's version, and V8 itself rejects data that does not match the
// source or the engine, in which case the file is written again. Any failure only means no cache.
import { createHash } from "node:crypto";
import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";

/** `CODEX_TS_COMPILE_CACHE`: a directory to use instead of the default, or `0` to disable. */
export const COMPILE_CACHE_ENV = "CODEX_TS_COMPILE_CACHE";

function privateCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  const configured = env[COMPILE_CACHE_ENV];
  if (configured === "0" || configured === "off") return undefined;
  const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
  const dir = configured || path.join(os.tmpdir(), `codex-ts-compile-cache-${uid ?? os.userInfo().username}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    if (!stat.isDirectory()) return undefined;
    if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o022) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

function cacheFileFor(file: string, dir: string): string {
  const { size, mtimeMs } = statSync(file);
  const key = createHash("sha256")
    .update(`${file}\0${size}\0${mtimeMs}\0${process.version}\0${process.arch}`)
    .digest("hex");
  return path.join(dir, `${path.basename(file)}-${key.slice(0, 24)}.bin`);
}

function writeAtomically(target: string, data: Buffer): void {
  const temp = `${target}.${process.pid}.tmp`;
  const fd = openSync(temp, "w", 0o600);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, target);
}

/**
 * A new build gets a new cache file; the files of older builds of the same bundle (same name,
 * other key) are of no further use, so they are removed when the new one is written. Caches
 * younger than a day are kept, so two builds used side by side do not evict each other on every run.
 */
function pruneOtherBuilds(kept: string): void {
  const dir = path.dirname(kept);
  const prefix = `${path.basename(kept).replace(/-[0-9a-f]{24}\.bin$/, "")}-`;
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (full === kept || !name.startsWith(prefix) || !/-[0-9a-f]{24}\.bin$/.test(name)) continue;
    try {
      if (statSync(full).mtimeMs < dayAgo) unlinkSync(full);
    } catch {
      // gone already, or not ours to remove
    }
  }
}

export interface CodeCacheOptions {
  env?: NodeJS.ProcessEnv;
  /** Registers the cache write (default: at process exit, when every compiled function is in). */
  onExit?: (write: () => void) => void;
}

export interface CodeCacheLoad {
  exports: unknown;
  /** off: no usable cache directory; none: no cache yet; used; rejected: V8 refused the data. */
  cache: "off" | "none" | "used" | "rejected";
}

/**
 * `require()`s `file` (a self-contained CommonJS bundle) through `vm.Script` with a code cache.
 * The cache is (re)written at process exit when there was none or V8 rejected it, so that it also
 * holds the functions compiled while the program ran.
 */
export function requireWithCodeCache(file: string, options: CodeCacheOptions = {}): CodeCacheLoad {
  const dir = privateCacheDir(options.env ?? process.env);
  let cacheFile: string | undefined;
  let cachedData: Buffer | undefined;
  if (dir) {
    try {
      cacheFile = cacheFileFor(file, dir);
      cachedData = readFileSync(cacheFile);
    } catch {
      // no cache yet
    }
  }
  const source = readFileSync(file, "utf8");
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const cache = !cacheFile ? "off" : !cachedData ? "none" : script.cachedDataRejected ? "rejected" : "used";
  if (cacheFile && cache !== "used") {
    const target = cacheFile;
    const write = () => {
      try {
        writeAtomically(target, script.createCachedData());
        pruneOtherBuilds(target);
      } catch {
        // read-only or full: run without a cache next time
      }
    };
    (options.onExit ?? ((w) => process.once("exit", w)))(write);
  }
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: { exports: unknown },
    filename: string,
    dirname: string,
  ) => void;
  run(module.exports, createRequire(file), module, file, path.dirname(file));
  return { exports: module.exports, cache };
}
