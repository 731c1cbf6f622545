import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_QUEUED_PER_THREAD, QueueFullError, QueueStore } from "./queue.js";

const THREAD = "01a25311-a5eb-7200-a509-df8ca0d4f9ba";
const text = (t: string) => [{ type: "text" as const, text: t, text_elements: [] }];

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), "queue-store-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe("QueueStore (CODEX_HOME/queue_1.sqlite)", () => {
  it("keeps FIFO order per thread, survives reopening (migrations run once) and bumps the thread's revision on every change", () => {
    const store = QueueStore.open(home);
    const a = store.add(THREAD, text("a"));
    const b = store.add(THREAD, text("b"), { clientId: "client-b", metadata: { k: "v" } });
    store.add("other-thread", text("x"));
    expect(store.list(THREAD).map((i) => [i.order, i.clientId === b.clientId ? "b" : "a"])).toEqual([
      [0, "a"],
      [1, "b"],
    ]);
    expect(store.revision(THREAD)).toBeGreaterThan(0);
    const before = store.revision(THREAD);
    store.close();

    const again = QueueStore.open(home);
    expect(again.list(THREAD).map((i) => i.id)).toEqual([a.id, b.id]);
    expect(again.list(THREAD)[1]).toMatchObject({ clientId: "client-b", metadata: { k: "v" }, input: text("b") });
    expect(again.reorder(THREAD, [b.id, a.id])).toBe(true);
    expect(again.list(THREAD).map((i) => i.id)).toEqual([b.id, a.id]);
    expect(again.reorder(THREAD, [b.id])).toBe(false);
    expect(again.reorder(THREAD, [b.id, b.id])).toBe(false);
    expect(again.update(THREAD, a.id, text("a2"))?.input).toEqual(text("a2"));
    expect(again.update(THREAD, "missing", text("z"))).toBeUndefined();
    expect(again.remove(THREAD, b.id)).toBe(true);
    expect(again.remove(THREAD, b.id)).toBe(false);
    expect(again.head(THREAD)?.id).toBe(a.id);
    expect(again.revision(THREAD)).toBeGreaterThan(before);
    again.close();

    const db = new (createRequire(import.meta.url)("better-sqlite3"))(path.join(home, "queue_1.sqlite"));
    expect(db.prepare("SELECT COUNT(*) AS n FROM _sqlx_migrations").get()).toEqual({ n: 2 });
    db.close();
  });

  it("refuses a 101st message for one thread, and lists a payload it cannot read with no input (never run)", () => {
    const store = QueueStore.open(home);
    for (let i = 0; i < MAX_QUEUED_PER_THREAD; i++) store.add(THREAD, text(`m${i}`));
    expect(() => store.add(THREAD, text("one too many"))).toThrow(QueueFullError);
    store.close();
    const db = new (createRequire(import.meta.url)("better-sqlite3"))(path.join(home, "queue_1.sqlite"));
    db.prepare("INSERT INTO queued_items VALUES ('odd', 't2', '{\"SomethingElse\":{}}', 0, 1, 1)").run();
    db.close();
    const reopened = QueueStore.open(home);
    expect(reopened.list("t2")).toEqual([expect.objectContaining({ id: "odd", input: null })]);
    reopened.close();
  });
});
