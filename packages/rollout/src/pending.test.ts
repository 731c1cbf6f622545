import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RolloutItem } from "@codex-ts/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRolloutLater, readRollout, RolloutWriter } from "./index.js";

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), "rollout-pending-"));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

const THREAD = "01a1fe48-0000-7000-8000-0000000000aa";
const createdAt = new Date(2026, 0, 2, 3, 4, 5);
const say = (text: string): RolloutItem =>
  ({
    type: "response_item",
    payload: { type: "message", role: "user", content: [{ type: "input_text", text }] },
  }) as RolloutItem;

describe("createRolloutLater", () => {
  it("keeps what is recorded before the file exists and writes it after session_meta, in order", async () => {
    const pending = createRolloutLater({
      codexHome: home,
      threadId: THREAD,
      createdAt,
      meta: { cwd: "/w", session_id: "s-1" },
    });
    // Recorded synchronously, before the file could have been created.
    pending.record(say("one"));
    pending.record([say("two"), say("three")]);
    expect(pending.path).toContain(THREAD);
    expect((await pending.close()).ok).toBe(true);
    const read = await readRollout(pending.path);
    if (!read.ok) throw new Error(read.error.message);
    expect(read.value.meta).toMatchObject({ id: THREAD, session_id: "s-1", cwd: "/w" });
    expect(
      read.value.lines.map((l) =>
        l.type === "response_item" ? JSON.stringify(l.payload).match(/"text":"(\w+)"/)?.[1] : l.type,
      ),
    ).toEqual(["session_meta", "one", "two", "three"]);
  });

  it("close() answers the creation's error (the file already exists)", async () => {
    const first = await RolloutWriter.create({
      codexHome: home,
      threadId: THREAD,
      createdAt,
      meta: { cwd: "/w" },
    });
    if (!first.ok) throw new Error(first.error.message);
    await first.value.close();
    const pending = createRolloutLater({ codexHome: home, threadId: THREAD, createdAt, meta: { cwd: "/w" } });
    pending.record(say("lost"));
    const closed = await pending.close();
    expect(closed).toMatchObject({ ok: false, error: { code: "exists" } });
  });
});
