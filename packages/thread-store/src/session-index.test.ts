import { appendFileSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { INDEX_FILENAME, type LocalThreadStore } from "./index.js";
import { parseSessionIndex, SESSION_INDEX_FILENAME } from "./session-index.js";
import { idFor, tempStoreHome, unwrap, writeRollout } from "./test-helpers.js";

const fx = tempStoreHome("codex-ts-session-index-");
const openStore = () => fx.open();

async function dropIndex(store: LocalThreadStore): Promise<void> {
  await store.close();
  fx.forget(store);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(path.join(fx.home, `${INDEX_FILENAME}${suffix}`), { force: true });
}

const lines = () =>
  readFileSync(path.join(fx.home, SESSION_INDEX_FILENAME), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("session_index.jsonl (thread names as Codex keeps them)", () => {
  it("appends one {id, thread_name, updated_at} line per rename, as Codex 0.169 writes it", async () => {
    const store = await openStore();
    const t = unwrap(await store.create({ cwd: "/w", modelProvider: "openai", cliVersion: "0", source: "cli" }));
    unwrap(await store.setName(t.id, "  First "));
    unwrap(await store.setName(t.id, "Second"));
    const written = lines();
    expect(written).toHaveLength(2);
    expect(Object.keys(written[0] ?? {})).toEqual(["id", "thread_name", "updated_at"]);
    expect(written.map((line) => line.thread_name)).toEqual(["First", "Second"]);
    expect(written[1]?.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("names survive a rebuild of the sqlite index; the last entry wins, a cleared name stays cleared", async () => {
    const first = await openStore();
    const a = unwrap(await first.create({ cwd: "/w", modelProvider: "openai", cliVersion: "0", source: "cli" }));
    const b = unwrap(await first.create({ cwd: "/w", modelProvider: "openai", cliVersion: "0", source: "cli" }));
    unwrap(await first.setName(a.id, "old"));
    unwrap(await first.setName(a.id, "Kept name"));
    unwrap(await first.setName(b.id, "gone"));
    unwrap(await first.setName(b.id, null));
    await dropIndex(first);

    const second = await openStore();
    expect(second.rebuiltOnOpen).toBe(true);
    expect(unwrap(await second.read(a.id)).name).toBe("Kept name");
    expect(unwrap(await second.read(b.id)).name).toBeNull();
    const listed = unwrap(await second.list({}));
    expect(listed.data.find((t) => t.id === a.id)?.name).toBe("Kept name");
  });

  it("reads a name real Codex appended to a thread it did not create here", async () => {
    const id = idFor(7);
    writeRollout(fx.home, { id, createdMs: Date.parse("2026-01-02T03:04:05Z"), preview: "hi" });
    const store = await openStore();
    expect(unwrap(await store.read(id)).name).toBeNull();
    appendFileSync(
      path.join(fx.home, SESSION_INDEX_FILENAME),
      `${JSON.stringify({ id, thread_name: "From Codex", updated_at: "2026-01-02T03:05:00Z" })}\n`,
    );
    expect(unwrap(await store.list({})).data[0]?.name).toBe("From Codex");
  });

  it("skips lines that are not entries", () => {
    const names = parseSessionIndex(
      ['{"id":"a","thread_name":"one","updated_at":"x"}', "not json", '{"id":"b"}', '{"id":"a","thread_name":"two","updated_at":"y"}', ""].join("\n"),
    );
    expect([...names]).toEqual([["a", "two"]]);
  });
});
