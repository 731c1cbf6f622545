import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RolloutItem } from "@codex-ts/protocol";
import { LocalThreadStore, parseTransferLine, type StoreResult } from "@codex-ts/thread-store";
import { afterEach, describe, expect, it } from "vitest";
import { runInProcess } from "../../test/helpers.js";
import { envWithThreadStore, threadStoreUrlOverride } from "./threads.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
const value = <T>(r: StoreResult<T>): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

async function seed(home: string): Promise<string[]> {
  const store = value(await LocalThreadStore.open({ codexHome: home }));
  try {
    const a = value(await store.create({ cwd: "/w", modelProvider: "openai", cliVersion: "0", source: "cli" }));
    value(
      await store.append(a.id, [
        { type: "event_msg", payload: { type: "user_message", message: "héllo", images: [] } },
        { type: "response_item", payload: { type: "message", role: "assistant", content: [{ type: "output_text", text: "hi 👋" }] } },
      ] as RolloutItem[]),
    );
    value(await store.setName(a.id, "greeting"));
    const b = value(await store.create({ cwd: "/w", modelProvider: "openai", cliVersion: "0", source: "exec" }));
    value(await store.archive(b.id));
    return [a.id, b.id];
  } finally {
    await store.close();
  }
}

const items = (jsonl: string) =>
  jsonl
    .trim()
    .split("\n")
    .map((line) => {
      const t = value(parseTransferLine(line));
      return { id: t.thread.id, name: t.thread.name, archived: t.thread.archived, lines: t.lines };
    });

describe("codex-ts threads export | import", () => {
  it("moves every thread to another store and back byte-identically, through a file or a pipe", async () => {
    const from = tempDir("codex-home-a-");
    const to = tempDir("codex-home-b-");
    const ids = await seed(from);
    const file = path.join(tempDir("codex-export-"), "threads.jsonl");

    const exported = await runInProcess(["threads", "export", "--store", "local", "--out", file], { env: { CODEX_HOME: from } });
    expect(exported).toMatchObject({ code: 0, stderr: "exported 2 threads\n" });
    const first = readFileSync(file, "utf8");
    expect(items(first).map((t) => [t.id, t.name, t.archived])).toEqual([
      [ids[0], "greeting", false],
      [ids[1], null, true],
    ]);

    const imported = await runInProcess(["threads", "import", "--in", file], { env: { CODEX_HOME: to } });
    expect(imported).toMatchObject({ code: 0, stderr: "imported 2 threads\n" });
    const again = await runInProcess(["threads", "export"], { env: { CODEX_HOME: to } });
    expect(again.code).toBe(0);
    expect(items(again.stdout)).toEqual(items(first));

    // Again: refused (nothing duplicated), or skipped on request; stdin works as input.
    const twice = await runInProcess(["threads", "import"], { env: { CODEX_HOME: to }, stdin: first });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/^Error: line 1: cannot import thread .* already exists \(0 imported before it\)\n$/);
    const skipping = await runInProcess(["threads", "import", "--skip-existing"], { env: { CODEX_HOME: to }, stdin: first });
    expect(skipping).toMatchObject({ code: 0, stderr: "imported 0 threads, 2 already there\n" });

    const one = await runInProcess(["threads", "export", ids[0]!], { env: { CODEX_HOME: from } });
    expect(items(one.stdout).map((t) => t.id)).toEqual([ids[0]]);
  });

  it("fails with one readable line on bad input, an unknown thread or store, and usage errors", async () => {
    const home = tempDir("codex-home-");
    const badFile = path.join(home, "bad.jsonl");
    writeFileSync(badFile, "{not json\n");
    const bad = await runInProcess(["threads", "import", "--in", badFile], { env: { CODEX_HOME: home } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Error: line 1: not JSON: .*\n$/);
    const unknown = await runInProcess(["threads", "export", "no-such-thread"], { env: { CODEX_HOME: home } });
    expect(unknown).toMatchObject({ code: 1, stderr: "Error: cannot export thread no-such-thread: thread not found: no-such-thread\n" });
    const store = await runInProcess(["threads", "export", "--store", "mysql://db/x"], { env: { CODEX_HOME: home } });
    expect(store.code).toBe(1);
    expect(store.stderr).toContain("must start with postgres://");
    expect((await runInProcess(["threads", "frob"], { env: { CODEX_HOME: home } })).code).toBe(2);
    expect((await runInProcess(["threads", "import", "extra"], { env: { CODEX_HOME: home } })).code).toBe(2);
    const help = await runInProcess(["threads", "export", "--help"], { env: { CODEX_HOME: home } });
    expect(help.stdout).toContain("codex-ts threads export");
  });

  it("passes -c thread_store.url to the app-server it starts as CODEX_THREAD_STORE_URL", () => {
    expect(threadStoreUrlOverride(["model=x", 'thread_store.url="postgres://a/b"', "thread_store.url=postgres://c/d"])).toBe("postgres://c/d");
    expect(envWithThreadStore({ A: "1" }, ['thread_store.url="postgres://h/db"'])).toEqual({ A: "1", CODEX_THREAD_STORE_URL: "postgres://h/db" });
    expect(envWithThreadStore({ A: "1" }, [])).toEqual({ A: "1" });
  });
});
