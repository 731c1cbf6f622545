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

/**
 * Starts the bin, writes `lines` at once, reads until `expected` response lines have arrived,
 * disconnects; resolves with the protocol lines (decoded) in order.
 */
function session(
  home: string,
  lines: object[],
  expected: number,
  env: Record<string, string> = {},
): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN], {
      cwd: home,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, CODEX_HOME: home, ...env },
      stdio: ["pipe", "pipe", "ignore"],
    });
    let stdout = "";
    const decoded = () =>
      stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
      if (decoded().filter((m) => "id" in m && !("method" in m)).length >= expected) child.stdin.end();
    });
    child.on("error", reject);
    child.on("exit", () => resolve(decoded()));
    child.stdin.write(lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
  });
}

describe("the bin's early initialize (src/early-initialize.ts)", () => {
  const initialize = {
    id: 1,
    method: "initialize",
    params: {
      clientInfo: { name: "ide", title: "IDE", version: "2.0" },
      capabilities: { experimentalApi: true },
    },
  };
  const script = [initialize, { method: "initialized" }, { id: 2, method: "thread/list", params: {} }];

  it("answers exactly as the server does, once, and leaves the connection initialized", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "as-early-"));
    dirs.push(home);
    const early = await session(home, script, 2);
    const late = await session(home, script, 2, { CODEX_TS_APP_SERVER_EARLY_INITIALIZE: "0" });
    const responses = (lines: Array<Record<string, unknown>>) => lines.filter((m) => !("method" in m));
    expect(responses(early).map((m) => m.id)).toEqual([1, 2]);
    expect(responses(early)[0]).toEqual(responses(late)[0]);
    expect(responses(early)[0]).toMatchObject({ result: { codexHome: home } });
    expect(responses(early)[1]).toMatchObject({ id: 2, result: { data: [] } });
    // The notification that follows the handshake still comes, after the response.
    expect(early.map((m) => m.method ?? m.id)).toEqual(late.map((m) => m.method ?? m.id));
  });

  it("leaves unusual params and other first messages to the server", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "as-early-"));
    dirs.push(home);
    const unusual = await session(
      home,
      [
        { ...initialize, params: { ...initialize.params, capabilities: { extensions: { a: 1 } } } },
        { id: 2, method: "thread/list", params: {} },
      ],
      2,
    );
    expect(unusual.filter((m) => !("method" in m)).map((m) => [m.id, "result" in m])).toEqual([
      [1, true],
      [2, true],
    ]);
    const bad = await session(
      home,
      [{ id: 1, method: "initialize", params: { clientInfo: { name: 3 } } }, initialize],
      2,
    );
    expect(bad.filter((m) => !("method" in m)).map((m) => [m.id, "error" in m])).toEqual([
      [1, true],
      [1, false],
    ]);
  });
});
