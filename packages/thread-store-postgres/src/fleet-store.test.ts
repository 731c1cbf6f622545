/** Several stores on one database, as a fleet of app-servers: migrations, leases, ordering, events. */
import type { RolloutItem } from "@codex-ts/protocol";
import { goalFor, unwrapResult } from "@codex-ts/thread-store/contract";
import type { ThreadStoreEvent } from "@codex-ts/thread-store";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS, PostgresThreadStore } from "./index.js";
import { freshSchema, TestStores, testUrl } from "./test-schemas.js";

const stores = new TestStores();
afterEach(() => stores.cleanup());

const message = (text: string): RolloutItem =>
  ({ type: "response_item", payload: { type: "message", role: "user", content: [{ type: "input_text", text }] } }) as RolloutItem;

async function newThread(store: PostgresThreadStore): Promise<string> {
  return unwrapResult(await store.create({ cwd: "/w", modelProvider: "openai", cliVersion: "0", source: "cli" })).id;
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("migrations", () => {
  it("apply once when several servers start at the same time, and refuse a newer schema", async () => {
    const schema = freshSchema();
    const opened = await Promise.all([1, 2, 3].map(() => stores.open({ schema })));
    const rows = await opened[0]!.sql`SELECT version FROM codex_ts_schema_migrations ORDER BY version`;
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    await opened[0]!.sql`INSERT INTO codex_ts_schema_migrations (version, name) VALUES (999, 'from the future')`;
    const newer = await PostgresThreadStore.open({ url: testUrl(), schema });
    expect(newer).toMatchObject({ ok: false, error: { code: "io" } });
    expect(!newer.ok && newer.error.message).toMatch(/schema is at version 999.*upgrade codex-ts/);
  });

  it("fails with a clear error, password hidden, when the server is unreachable", async () => {
    const result = await PostgresThreadStore.open({ url: "postgres://u:secret@127.0.0.1:1/db" });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toMatch(/cannot open the PostgreSQL thread store at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/db/);
  });
});

describe("one live writer per thread", () => {
  it("refuses a second claim, grants it after release, and after the holder stopped renewing", async () => {
    const schema = freshSchema();
    const a = await stores.open({ schema, leaseMs: 600 });
    const b = await stores.open({ schema, leaseMs: 600 });
    const id = await newThread(a);
    unwrapResult(await a.claim(id));
    const refused = await b.claim(id);
    expect(refused).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(!refused.ok && refused.error.message).toContain(`open for writing on another app-server (${a.holderId})`);
    // Heartbeats keep it: still refused well after one lease period.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await b.claim(id)).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(await b.append(id, [message("from b")])).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(await b.archive(id)).toMatchObject({ ok: false, error: { code: "conflict" } });
    await a.release(id);
    unwrapResult(await b.claim(id));
    expect(await a.claim(id)).toMatchObject({ ok: false, error: { code: "conflict" } });
    // b dies without releasing (its pool is gone, no heartbeat): a takes over once the lease expired.
    await b.sql.end();
    const started = Date.now();
    let claimed = await a.claim(id);
    while (!claimed.ok && Date.now() - started < 5000) {
      await new Promise((r) => setTimeout(r, 100));
      claimed = await a.claim(id);
    }
    expect(claimed.ok).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await a.claim("no-such-thread")).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("fences a writer whose lease was taken over: its appends fail, none interleave", async () => {
    const schema = freshSchema();
    const warnings: string[] = [];
    const a = await stores.open({ schema, leaseMs: 300, onWarning: (w) => warnings.push(w) });
    const b = await stores.open({ schema, leaseMs: 300 });
    const id = await newThread(a);
    unwrapResult(await a.claim(id));
    unwrapResult(await a.append(id, [message("a1")]));
    // a stalls (its lease runs out without a renewal) and b takes over.
    await a.sql`UPDATE codex_thread_leases SET expires_at = now() - interval '1 second'`;
    unwrapResult(await b.claim(id));
    unwrapResult(await b.append(id, [message("b1")]));
    expect(await a.append(id, [message("a2")])).toMatchObject({ ok: false, error: { code: "conflict" } });
    await until(() => warnings.length > 0, "a's lost-lease warning");
    expect(warnings[0]).toContain("took over its writer lease");
    const texts = unwrapResult(await b.load(id)).lines.flatMap((l) =>
      l.type === "response_item" && l.payload.type === "message" ? [(l.payload.content[0] as { text: string }).text] : [],
    );
    expect(texts).toEqual(["a1", "b1"]);
  });

  it("keeps every append of concurrent writers, each batch contiguous and in order", async () => {
    const schema = freshSchema();
    const a = await stores.open({ schema });
    const b = await stores.open({ schema });
    const id = await newThread(a);
    await Promise.all(
      [a, b].flatMap((store, s) =>
        Array.from({ length: 20 }, (_, i) => store.append(id, [0, 1, 2].map((k) => message(`${s}-${i}-${k}`))).then(unwrapResult)),
      ),
    );
    const rows = await a.sql<{ seq: number; line: string }[]>`SELECT seq, line FROM codex_thread_lines WHERE thread_id = ${id} ORDER BY seq`;
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 121 }, (_, i) => i));
    const texts = rows.slice(1).map((r) => JSON.parse(r.line).payload.content[0].text as string);
    for (let i = 0; i < texts.length; i += 3) expect(texts.slice(i, i + 3).map((t) => t.slice(-1))).toEqual(["0", "1", "2"]);
    expect(new Set(texts).size).toBe(120);
    // The rollout ordinals follow the order too.
    expect(rows.map((r) => JSON.parse(r.line).ordinal)).toEqual(rows.map((r) => r.seq));
  });
});

describe("change events (LISTEN/NOTIFY)", () => {
  it("tell the other servers about names, archive state and goals, never the one that made the change", async () => {
    const schema = freshSchema();
    const a = await stores.open({ schema });
    const b = await stores.open({ schema });
    const elsewhere = await stores.open();
    const heardByA: ThreadStoreEvent[] = [];
    const heardByB: ThreadStoreEvent[] = [];
    const heardElsewhere: ThreadStoreEvent[] = [];
    a.subscribe((e) => heardByA.push(e));
    b.subscribe((e) => heardByB.push(e));
    elsewhere.subscribe((e) => heardElsewhere.push(e));
    await Promise.all([a.listening(), b.listening(), elsewhere.listening()]);
    const id = await newThread(a);
    unwrapResult(await a.setName(id, "renamed"));
    unwrapResult(await a.archive(id));
    unwrapResult(await a.unarchive(id));
    const goal = goalFor(id, "finish");
    unwrapResult(await a.setGoal(id, goal));
    unwrapResult(await a.clearGoal(id));
    expect(await a.setName("missing", "x")).toMatchObject({ ok: false });
    await until(() => heardByB.length >= 5, "five events on b");
    expect(heardByB).toEqual([
      { type: "name_updated", threadId: id, name: "renamed" },
      { type: "archived", threadId: id },
      { type: "unarchived", threadId: id },
      { type: "goal_updated", threadId: id, goal },
      { type: "goal_cleared", threadId: id },
    ]);
    unwrapResult(await b.setName(id, null));
    await until(() => heardByA.length >= 1, "b's rename on a");
    expect(heardByA).toEqual([{ type: "name_updated", threadId: id, name: null }]);
    expect(heardElsewhere).toEqual([]);
  });
});
