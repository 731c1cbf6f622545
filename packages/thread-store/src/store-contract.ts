/**
 * The behaviour every {@link ThreadStore} implementation must show, as a vitest suite. The local
 * store runs it (`store-contract.test.ts`) and so does `@codex-ts/thread-store-postgres` (through
 * the package's `./contract` export, a test-only entry that is never built).
 */
import type { RolloutItem } from "@codex-ts/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { StoredGoal, StoredThread, StoreResult, ThreadStore } from "./types.js";

export interface ContractFixture {
  /** A fresh, empty store; a second call in the same test gives another, independent one. */
  open(): Promise<ThreadStore>;
  /** Removes what `open` made (after every test). */
  cleanup(): Promise<void>;
}

export function unwrapResult<T>(result: StoreResult<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

const userTurn = (turnId: string, text: string): RolloutItem[] =>
  [
    { type: "event_msg", payload: { type: "task_started", turn_id: turnId, model_context_window: null } },
    { type: "turn_context", payload: { cwd: "/work/a", approval_policy: "never", sandbox_policy: { type: "read-only" }, model: "gpt-test", effort: "low", summary: "auto" } },
    { type: "response_item", payload: { type: "message", role: "user", content: [{ type: "input_text", text }] } },
    { type: "event_msg", payload: { type: "user_message", message: text, images: [] } },
    { type: "response_item", payload: { type: "message", role: "assistant", content: [{ type: "output_text", text: `re: ${text}` }] } },
    { type: "event_msg", payload: { type: "task_complete", turn_id: turnId, last_agent_message: `re: ${text}` } },
  ] as RolloutItem[];

export function goalFor(threadId: string, objective: string): StoredGoal {
  return { threadId, objective, status: "active", tokenBudget: null, tokensUsed: 0, timeUsedSeconds: 0, createdAt: 1, updatedAt: 2 };
}

/** Registers the contract suite for one implementation. */
export function describeThreadStoreContract(name: string, fixture: ContractFixture): void {
  describe(`ThreadStore contract: ${name}`, () => {
    afterEach(() => fixture.cleanup());

    const create = async (store: ThreadStore, extra: Partial<Parameters<ThreadStore["create"]>[0]> = {}) =>
      unwrapResult(await store.create({ cwd: "/work/a", modelProvider: "openai", cliVersion: "0.0.0", source: "cli", ...extra }));

    it("creates, appends in order, reads and loads a thread", async () => {
      const store = await fixture.open();
      const t = await create(store, { model: "gpt-x" });
      expect(t).toMatchObject({ cwd: "/work/a", modelProvider: "openai", sourceKind: "cli", preview: "", archived: false, name: null });
      unwrapResult(await store.append(t.id, userTurn("turn-1", "first question")));
      const after = unwrapResult(await store.append(t.id, userTurn("turn-2", "second question")));
      expect(after.preview).toBe("first question");
      expect(after.model).toBe("gpt-test");
      expect(after.updatedAtMs).toBeGreaterThanOrEqual(t.createdAtMs);
      const loaded = unwrapResult(await store.load(t.id));
      expect(loaded.lines[0]?.type).toBe("session_meta");
      const turnIds = loaded.lines.flatMap((l) => (l.type === "event_msg" && l.payload.type === "task_started" ? [l.payload.turn_id] : []));
      expect(turnIds).toEqual(["turn-1", "turn-2"]);
      expect(loaded.lines).toHaveLength(13);
      expect(unwrapResult(await store.read(t.id)).preview).toBe("first question");
    });

    it("returns error values for unknown threads and bad input", async () => {
      const store = await fixture.open();
      expect((await store.read("no-such-thread")) as StoreResult<unknown>).toMatchObject({ ok: false, error: { code: "not_found" } });
      expect(await store.load("no-such-thread")).toMatchObject({ ok: false, error: { code: "not_found" } });
      const t = await create(store);
      const bad = await store.append(t.id, [{ type: "session_meta", payload: {} } as unknown as RolloutItem]);
      expect(bad).toMatchObject({ ok: false, error: { code: "invalid_argument" } });
      expect(await store.list({ cursor: "garbage" })).toMatchObject({ ok: false, error: { code: "invalid_argument" } });
      expect(await store.create({ id: t.id, cwd: "/w", modelProvider: "x", cliVersion: "0" })).toMatchObject({
        ok: false,
        error: { code: "already_exists" },
      });
      expect(await store.setGoal(t.id, goalFor("another-thread", "x"))).toMatchObject({ ok: false, error: { code: "invalid_argument" } });
    });

    it("pages without duplicates or gaps, filters, and searches names and previews", async () => {
      const store = await fixture.open();
      const base = Date.UTC(2026, 0, 1);
      const made: StoredThread[] = [];
      for (let i = 0; i < 30; i++) {
        made.push(
          await create(store, { createdAtMs: base + Math.floor(i / 3) * 1000, cwd: i % 2 ? "/work/odd" : "/work/even", source: i === 0 ? "exec" : "cli" }),
        );
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { data: StoredThread[]; nextCursor: string | null } = unwrapResult(await store.list({ limit: 7, cursor }));
        seen.push(...page.data.map((t) => t.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(30);
      expect(new Set(seen).size).toBe(30);
      const expected = [...made].sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? 1 : -1)).map((t) => t.id);
      expect(seen).toEqual(expected);
      const asc = unwrapResult(await store.list({ limit: 100, sortDirection: "asc" })).data.map((t) => t.id);
      expect(asc).toEqual([...expected].reverse());
      expect(unwrapResult(await store.list({ limit: 100, cwd: "/work/odd" })).data).toHaveLength(15);
      expect(unwrapResult(await store.list({ limit: 100, sourceKinds: ["exec"] })).data.map((t) => t.id)).toEqual([made[0]!.id]);
      unwrapResult(await store.setName(made[5]!.id, "Fix the Flaky Ünit test"));
      unwrapResult(await store.append(made[6]!.id, userTurn("t", "why is the ünit FLAKY")));
      const found = unwrapResult(await store.list({ limit: 100, searchTerm: "flaky ü" })).data.map((t) => t.id);
      expect(found).toEqual([made[5]!.id]);
      expect(unwrapResult(await store.list({ limit: 100, searchTerm: "ÜNIT" })).data.map((t) => t.id).sort()).toEqual(
        [made[5]!.id, made[6]!.id].sort(),
      );
      expect(unwrapResult(await store.list({ limit: 100, searchTerm: "100%_" })).data).toHaveLength(0);
    });

    it("names, archives, unarchives, deletes; goals set, read and clear", async () => {
      const store = await fixture.open();
      const t = await create(store);
      expect(unwrapResult(await store.setName(t.id, "  My thread ")).name).toBe("My thread");
      expect(unwrapResult(await store.archive(t.id)).archived).toBe(true);
      expect(unwrapResult(await store.list({ archived: true })).data.map((x) => x.id)).toEqual([t.id]);
      expect(unwrapResult(await store.list({})).data).toHaveLength(0);
      expect(await store.append(t.id, userTurn("x", "y"))).toMatchObject({ ok: false, error: { code: "invalid_argument" } });
      expect(unwrapResult(await store.unarchive(t.id))).toMatchObject({ archived: false, archivedAtMs: null, name: "My thread" });
      expect(unwrapResult(await store.getGoal(t.id))).toBeNull();
      const goal = goalFor(t.id, "ship it");
      expect(unwrapResult(await store.setGoal(t.id, goal))).toEqual(goal);
      expect(unwrapResult(await store.getGoal(t.id))).toEqual(goal);
      expect(unwrapResult(await store.clearGoal(t.id))).toBe(true);
      expect(unwrapResult(await store.clearGoal(t.id))).toBe(false);
      unwrapResult(await store.claim(t.id));
      await store.release(t.id);
      unwrapResult(await store.delete(t.id));
      expect(await store.read(t.id)).toMatchObject({ ok: false, error: { code: "not_found" } });
    });

    it("forks up to a turn into a new thread", async () => {
      const store = await fixture.open();
      const t = await create(store);
      unwrapResult(await store.append(t.id, [...userTurn("turn-1", "one"), ...userTurn("turn-2", "two")]));
      unwrapResult(await store.setName(t.id, "source"));
      const forked = unwrapResult(await store.fork(t.id, { upTo: { throughTurnId: "turn-1" } }));
      expect(forked).toMatchObject({ forkedFromId: t.id, name: null, preview: "one" });
      const lines = unwrapResult(await store.load(forked.id)).lines;
      expect(lines.filter((l) => l.type === "event_msg" && l.payload.type === "task_started")).toHaveLength(1);
      expect(await store.fork(t.id, { upTo: { throughTurnId: "nope" } })).toMatchObject({ ok: false, error: { code: "invalid_argument" } });
    });

    it("exports, imports into another store and exports again byte-identically", async () => {
      const a = await fixture.open();
      const b = await fixture.open();
      const t = await create(a, { baseInstructions: "be brief" });
      unwrapResult(await a.append(t.id, [...userTurn("turn-1", "héllo 🌍"), ...userTurn("turn-2", "again")]));
      unwrapResult(await a.setName(t.id, "round trip"));
      unwrapResult(await a.setGoal(t.id, goalFor(t.id, "keep every byte")));
      unwrapResult(await a.archive(t.id));
      const first = unwrapResult(await a.exportThread(t.id));
      expect(first.lines).toHaveLength(13);
      const imported = unwrapResult(await b.importThread(first));
      expect(imported).toMatchObject({ id: t.id, name: "round trip", archived: true, preview: "héllo 🌍", createdAtMs: t.createdAtMs });
      expect(await b.importThread(first)).toMatchObject({ ok: false, error: { code: "already_exists" } });
      const again = unwrapResult(await b.exportThread(t.id));
      expect(again.lines).toEqual(first.lines);
      expect(again.goal).toEqual(first.goal);
      expect(unwrapResult(await b.load(t.id)).lines).toEqual(unwrapResult(await a.load(t.id)).lines);
    });
  });
}
