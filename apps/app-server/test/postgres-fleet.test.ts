/**
 * A fleet: two or three BUILT app-server processes, each with its own CODEX_HOME (as on separate
 * machines), sharing threads through one real PostgreSQL database (`thread_store.url`). The
 * database is `CODEX_TS_TEST_PG_URL`'s, or a throw-away cluster started here; each test gets a
 * fresh database in it.
 */
import { randomBytes } from "node:crypto";
import type { v2 } from "@codex-ts/protocol";
import { sse, turn } from "@codex-ts/test-support";
import { PostgresThreadStore } from "@codex-ts/thread-store-postgres";
import { startTestDatabase, type TestDatabase } from "@codex-ts/thread-store-postgres/test-cluster";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type AppServerProcess, makeTempDir, runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();
let cluster: TestDatabase;
let admin: PostgresThreadStore;
let url: string;

beforeAll(async () => {
  cluster = await startTestDatabase();
  const opened = await PostgresThreadStore.open({ url: cluster.url, maxConnections: 1 });
  if (!opened.ok) throw new Error(opened.error.message);
  admin = opened.value;
}, 120_000);
afterAll(async () => {
  await admin?.close();
  await cluster?.stop();
});
beforeEach(async () => {
  const name = `fleet_${randomBytes(5).toString("hex")}`;
  await admin.sql.unsafe(`CREATE DATABASE ${name}`);
  const parsed = new URL(cluster.url);
  parsed.pathname = `/${name}`;
  url = parsed.toString();
});

/** A server of the fleet: its own CODEX_HOME, the shared database (by env, or config.toml when `viaConfig`). */
function boot(options: { leaseMs?: number; viaConfig?: boolean } = {}): Promise<AppServerProcess> {
  const env: Record<string, string> = options.leaseMs ? { CODEX_THREAD_STORE_LEASE_MS: String(options.leaseMs) } : {};
  if (options.viaConfig) return fx.boot({ codexHome: fx.tempDir("codex-home-"), env, extraConfig: `\n[thread_store]\nurl = "${url}"\n` });
  return fx.boot({ codexHome: fx.tempDir("codex-home-"), env: { ...env, CODEX_THREAD_STORE_URL: url } });
}

const userTexts = (turns: { items: { type: string; content?: { type: string; text?: string }[] }[] }[]) =>
  turns.flatMap((t) => t.items.flatMap((i) => (i.type === "userMessage" ? (i.content ?? []).map((c) => c.text) : [])));

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function callError(server: AppServerProcess, method: string, params: unknown): Promise<{ code: number; message: string }> {
  const reply = await server.request(method as never, params as never);
  if (!reply.error) throw new Error(`${method} succeeded; an error was expected`);
  return reply.error;
}

describe("app-servers sharing a PostgreSQL thread store", () => {
  it("a thread started on A is listed and read on B, refused to B while A has it, resumed by B after A closed it", async () => {
    fx.fake.enqueue(turn([sse.message("first answer")]), turn([sse.message("second answer")]));
    const a = await boot();
    const b = await boot({ viaConfig: true });
    const { thread } = await a.call("thread/start", { cwd: fx.workDir });
    expect(thread.path).toBeNull();
    await runTurn(a, thread.id, "hello from A");

    const listed = await b.call("thread/list", {});
    expect(listed.data.map((t) => [t.id, t.preview])).toEqual([[thread.id, "hello from A"]]);
    const read = await b.call("thread/read", { threadId: thread.id, includeTurns: true });
    expect(userTexts(read.thread.turns as never)).toEqual(["hello from A"]);

    const refused = await callError(b, "thread/resume", { threadId: thread.id });
    expect(refused.code).toBe(-32600);
    expect(refused.message).toMatch(/open for writing on another app-server/);

    expect(await a.close()).toBe(0);
    const resumed = await b.call("thread/resume", { threadId: thread.id });
    expect(userTexts(resumed.thread.turns as never)).toEqual(["hello from A"]);
    await runTurn(b, thread.id, "hello from B");
    expect(JSON.stringify(fx.fake.responsesRequests().at(-1)?.body.input)).toContain("first answer");
    const again = await boot();
    const history = await again.call("thread/read", { threadId: thread.id, includeTurns: true });
    expect(userTexts(history.thread.turns as never)).toEqual(["hello from A", "hello from B"]);
  });

  it("runs concurrent turns on different threads on both servers without mixing their histories", async () => {
    for (let i = 0; i < 6; i++) fx.fake.enqueue(turn([sse.message(`answer ${i}`)]));
    const servers = [await boot(), await boot()];
    const threads = await Promise.all(
      [0, 1, 2, 3, 4, 5].map(async (i) => {
        const server = servers[i % 2]!;
        const { thread } = await server.call("thread/start", { cwd: fx.workDir });
        return { server, id: thread.id, text: `question ${i}` };
      }),
    );
    const other = (t: (typeof threads)[number]) => servers.find((s) => s !== t.server)!;
    // A strict client: the moment turn/completed arrives it reads the thread on the other server.
    // turn/completed waits for the turn's last line to be written, so the whole turn is there.
    await Promise.all(
      threads.map(async (t) => {
        await runTurn(t.server, t.id, t.text);
        const read = await other(t).call("thread/read", { threadId: t.id, includeTurns: true });
        expect(userTexts(read.thread.turns as never)).toEqual([t.text]);
        expect(read.thread.turns[0]?.status).toBe("completed");
        expect(read.thread.turns[0]?.items.map((item) => item.type)).toEqual(["userMessage", "agentMessage"]);
      }),
    );
    const listed = await servers[0]!.call("thread/list", { limit: 50 });
    expect(listed.data.map((t) => t.id).sort()).toEqual(threads.map((t) => t.id).sort());
  });

  it("B takes over a thread after A was killed mid-turn and the lease expired; the history is intact", async () => {
    const leaseMs = 1500;
    fx.fake.enqueue(turn([sse.message("before the crash")]), turn([sse.message("never finished")], { hold: true }));
    const a = await boot({ leaseMs });
    const b = await boot({ leaseMs });
    const { thread } = await a.call("thread/start", { cwd: fx.workDir });
    await runTurn(a, thread.id, "first turn");
    // The completed turn is persisted (A writes a turn's lines when it completes) before the crash.
    await until(async () => (await b.call("thread/read", { threadId: thread.id })).thread.preview === "first turn", "turn 1 in the store");
    await a.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "second turn" }] });
    await fx.fake.waitForResponsesRequests(2);
    a.child.kill("SIGKILL");
    await a.exited;

    const refused = await callError(b, "thread/resume", { threadId: thread.id });
    expect(refused.message).toMatch(/open for writing on another app-server/);
    const killedAt = Date.now();
    let resumed: v2.ThreadResumeResponse | undefined;
    while (!resumed) {
      const reply = await b.request("thread/resume", { threadId: thread.id });
      if (reply.result) resumed = reply.result as never;
      else if (Date.now() - killedAt > 4 * leaseMs) throw new Error(`no takeover: ${reply.error?.message}`);
      else await new Promise((r) => setTimeout(r, 200));
    }
    expect(Date.now() - killedAt).toBeLessThan(3 * leaseMs);
    const turns = resumed.thread.turns;
    expect(turns[0]?.status).toBe("completed");
    expect(userTexts([turns[0]!] as never)).toEqual(["first turn"]);
    fx.fake.enqueue(turn([sse.message("after the takeover")]));
    await runTurn(b, thread.id, "third turn");
    expect(JSON.stringify(fx.fake.responsesRequests().at(-1)?.body.input)).toContain("before the crash");
  });

  it("tells the other servers' clients about renames and archive state", async () => {
    const a = await boot();
    const b = await boot();
    const c = await boot({ viaConfig: true });
    const { thread } = await a.call("thread/start", { cwd: fx.workDir });
    // b and c open their stores (and start listening) on their first thread call.
    await b.call("thread/list", {});
    await c.call("thread/list", {});
    await new Promise((r) => setTimeout(r, 500));

    await a.call("thread/name/set", { threadId: thread.id, name: "shared name" });
    for (const s of [b, c]) {
      const renamed = await s.waitForNotification("thread/name/updated", (p) => p.threadId === thread.id);
      expect(renamed.params.threadName).toBe("shared name");
    }
    await a.call("thread/archive", { threadId: thread.id });
    await b.waitForNotification("thread/archived", (p) => p.threadId === thread.id);
    // A refused resume gives its writer claim back: a can resume the thread once it is unarchived.
    expect((await callError(b, "thread/resume", { threadId: thread.id })).message).toMatch(/is archived/);
    await c.call("thread/unarchive", { threadId: thread.id });
    await a.waitForNotification("thread/unarchived", (p) => p.threadId === thread.id);
    await b.waitForNotification("thread/unarchived", (p) => p.threadId === thread.id);
    expect((await b.call("thread/read", { threadId: thread.id })).thread.name).toBe("shared name");
    expect((await a.call("thread/resume", { threadId: thread.id })).thread.id).toBe(thread.id);
    // Nobody hears its own change twice.
    expect(a.notifications("thread/name/updated").filter((n) => n.params.threadId === thread.id)).toHaveLength(1);
  });

  it("answers thread calls with one clear error, password hidden, when the database is unreachable", async () => {
    const server = await fx.boot({ codexHome: fx.tempDir("codex-home-"), env: { CODEX_THREAD_STORE_URL: "postgres://codex:hunter2@127.0.0.1:1/codex" } });
    const error = await callError(server, "thread/list", {});
    expect(error.code).toBe(-32603);
    expect(error.message).toMatch(/^cannot open the PostgreSQL thread store at postgres:\/\/codex:\*\*\*@127\.0\.0\.1:1\/codex: /);
    expect(error.message).not.toContain("hunter2");
    expect((await callError(server, "thread/start", { cwd: fx.workDir })).message).toMatch(/cannot open the PostgreSQL thread store/);
  });

  it("refuses rollout-path lookups on a remote store", async () => {
    const a = await boot();
    const path = `${makeTempDir("codex-rollouts-")}/rollout-2026-01-01T00-00-00-0199aaaa-0000-7000-8000-000000000001.jsonl`;
    for (const method of ["thread/resume", "thread/fork"]) {
      const error = await callError(a, method, { threadId: "", path });
      expect(error.code).toBe(-32600);
      expect(error.message).toMatch(/rollout paths cannot be used with a remote thread store/);
    }
  });
});
