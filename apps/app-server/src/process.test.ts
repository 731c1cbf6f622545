import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

// The built bin: dist/server.cjs loaded through the code cache, served by serveProcessStdio.
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "bin", "codex-ts-app-server.js");

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Starts the bin, initializes, disconnects; resolves with stdout and the exit code. */
function initializeOnce(home: string, cacheDir: string): Promise<{ stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN], {
      cwd: home,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: home,
        CODEX_HOME: home,
        CODEX_TS_COMPILE_CACHE: cacheDir,
      },
      stdio: ["pipe", "pipe", "ignore"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
      if (stdout.includes("\n")) child.stdin.end();
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ stdout, code }));
    child.stdin.write(
      `${JSON.stringify({ id: 1, method: "initialize", params: { clientInfo: { name: "t", version: "1" } } })}\n`,
    );
  });
}

describe("the codex-ts-app-server bin", () => {
  it("serves from its bundle, writes a private code cache at exit, and reuses it", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "as-bin-"));
    dirs.push(home);
    const cacheDir = path.join(home, "compile-cache");
    const first = await initializeOnce(home, cacheDir);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout.split("\n")[0] as string)).toMatchObject({
      id: 1,
      result: { codexHome: home },
    });
    const [name, ...more] = readdirSync(cacheDir);
    expect(more).toEqual([]);
    expect(name).toMatch(/^server\.cjs-[0-9a-f]{24}\.bin$/);
    const file = path.join(cacheDir, name as string);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = statSync(file).mtimeMs;

    // Accepted by V8: the second server does not write it again.
    const second = await initializeOnce(home, cacheDir);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('"id":1');
    expect(statSync(file).mtimeMs).toBe(written);
  });
});
