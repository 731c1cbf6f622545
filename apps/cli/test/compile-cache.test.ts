import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type FakeResponsesServer, sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "bin", "codex-ts.js");
const run = promisify(execFile);

let server: FakeResponsesServer;
let home: string;
beforeEach(async () => {
  server = await startFakeResponsesServer();
  home = mkdtempSync(path.join(tmpdir(), "cc-home-"));
});
afterEach(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
});

async function exec(cacheDir: string): Promise<string> {
  server.enqueue(turn(sse.message("cached", { phase: "final_answer" })));
  const pending = run(
    process.execPath,
    [BIN, "exec", "--json", "--skip-git-repo-check", "-c", `model_providers.x={name="x",base_url="${server.url}",env_key="K",wire_api="responses"}`, "-c", "model_provider=x", "hi"],
    { cwd: home, env: { PATH: process.env.PATH ?? "", HOME: home, CODEX_HOME: home, K: "k", CODEX_TS_COMPILE_CACHE: cacheDir } },
  );
  pending.child.stdin?.end(); // no piped prompt
  return (await pending).stdout;
}

describe("the built exec runner and its code cache", () => {
  it("writes the cache after the first run, reuses it unchanged, and replaces a corrupt one", async () => {
    const cacheDir = path.join(home, "compile-cache");
    expect(await exec(cacheDir)).toContain('"type":"turn.completed"');
    const [name, ...more] = readdirSync(cacheDir);
    expect(more).toEqual([]);
    const file = path.join(cacheDir, name as string);
    expect(name).toMatch(/^exec\.cjs-[0-9a-f]{24}\.bin$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = readFileSync(file);
    expect(written.length).toBeGreaterThan(100_000);

    // Accepted by V8: the second run does not write it again.
    const mtime = statSync(file).mtimeMs;
    expect(await exec(cacheDir)).toContain('"type":"turn.completed"');
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(readFileSync(file).equals(written)).toBe(true);

    // Rejected by V8 (garbage): the run still works and leaves a good cache behind.
    writeFileSync(file, "garbage");
    expect(await exec(cacheDir)).toContain('"type":"turn.completed"');
    expect(readFileSync(file).length).toBeGreaterThan(100_000);
  });
});
