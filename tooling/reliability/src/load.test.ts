/**
 * Load on one built app-server (`--listen ws://127.0.0.1:0`):
 *  - 8 WebSocket clients × 25 concurrent threads, turns back to back for a bounded time: every turn
 *    completes; the server's CPU per turn early vs late in the run, latency, and its RSS;
 *  - one long thread, 300 turns one after another: the per-turn cost stays flat as its history
 *    grows (it grew linearly while every append re-read the whole rollout).
 */
import { sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppServer } from "./app-server.js";
import { assertBuilt, cleanupDirs, eventually, figure, makeHome } from "./harness.js";
import { WsRpc } from "./rpc.js";

const CLIENTS = 8;
const THREADS_PER_CLIENT = 25;
const LOAD_MS = 20_000;
const LONG_THREAD_TURNS = 300;

const percentile = (sorted: number[], p: number): number =>
  Math.round(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0);
const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return {
    turns: sorted.length,
    meanMs: Math.round(mean),
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    maxMs: Math.round(sorted.at(-1) ?? 0),
  };
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function startServer(fakeUrl: string): Promise<{ server: AppServer; url: string; work: string }> {
  const { home, work } = makeHome(fakeUrl);
  const server = new AppServer(home, work, { args: ["--listen", "ws://127.0.0.1:0"] });
  expect(await eventually(() => /listening on: ws:\/\/\S+/.test(server.stderr), 15_000)).toBe(true);
  return { server, url: /listening on: (ws:\/\/\S+)/.exec(server.stderr)?.[1] as string, work };
}

describe("load on one app-server", () => {
  beforeAll(() => {
    assertBuilt();
    if (typeof WebSocket !== "function")
      throw new Error("no global WebSocket: run with --experimental-websocket (vitest.config.ts sets it)");
  });
  afterAll(cleanupDirs);

  it(`${CLIENTS} clients × ${THREADS_PER_CLIENT} threads for ${LOAD_MS / 1000} s: every turn completes`, {
    timeout: 180_000,
    // CPU-per-turn ratios shift when the rest of a parallel test run starts or stops mid-measure:
    // one retry; a real creep fails both runs.
    retry: 1,
  }, async () => {
    const fake = await startFakeResponsesServer();
    const reply = () => turn(sse.message("ok", { phase: "final_answer" }));
    // Replies for however many turns this machine manages: topped up once a second below.
    const topUp = () => {
      if (fake.remaining() < 4000) fake.enqueue(...Array.from({ length: 4000 }, reply));
    };
    topUp();
    const { server, url, work } = await startServer(fake.url);
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => WsRpc.connect(url)));
    for (const c of clients) await c.initialize();

    // Idle baseline: one thread, turns one at a time.
    const idle: number[] = [];
    const solo = await (clients[0] as WsRpc).startThread(work);
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const done = await (clients[0] as WsRpc).runTurn(solo, `warm ${i}`);
      expect(done.status).toBe("completed");
      idle.push(performance.now() - t0);
    }

    // Each client drives the threads it started (a connection hears the threads it subscribed to).
    const threads = await Promise.all(
      clients.flatMap((client) =>
        Array.from({ length: THREADS_PER_CLIENT }, async () => ({
          client,
          threadId: await client.startThread(work),
        })),
      ),
    );
    expect(threads).toHaveLength(CLIENTS * THREADS_PER_CLIENT);
    const rss: number[] = [server.rssMiB()];
    const loaded: { at: number; ms: number }[] = [];
    // The server's CPU time against turns completed, once a second: its cost per turn.
    const cpu: { ms: number; turns: number }[] = [{ ms: server.cpuMs(), turns: 0 }];
    const sampler = setInterval(() => {
      topUp();
      rss.push(server.rssMiB());
      cpu.push({ ms: server.cpuMs(), turns: loaded.length });
    }, 1000);
    let started = 0;
    const notCompleted: unknown[] = [];
    const begin = Date.now();
    const deadline = begin + LOAD_MS;
    await Promise.all(
      threads.map(async ({ client, threadId }, i) => {
        for (let n = 0; Date.now() < deadline; n++) {
          started++;
          const t0 = performance.now();
          const done = await client.runTurn(threadId, `thread ${i} turn ${n}`, 120_000);
          loaded.push({ at: Date.now() - begin, ms: performance.now() - t0 });
          if (done.status !== "completed") notCompleted.push(done);
        }
      }),
    );
    clearInterval(sampler);
    rss.push(server.rssMiB());
    cpu.push({ ms: server.cpuMs(), turns: loaded.length });

    expect(notCompleted).toEqual([]);
    expect(loaded.length).toBe(started);
    expect(fake.unscripted).toEqual([]);
    expect(server.alive).toBe(true);
    // CPU ms per turn over the first and the second half of the turns completed.
    const halfway = cpu.find((c) => c.turns >= loaded.length / 2) ?? cpu[0];
    const first = cpu[0] as { ms: number; turns: number };
    const last = cpu.at(-1) as { ms: number; turns: number };
    const perTurn = (a: typeof first, b: typeof first) => (b.ms - a.ms) / Math.max(1, b.turns - a.turns);
    const early = perTurn(first, halfway as typeof first);
    const late = perTurn(halfway as typeof first, last);
    figure("load: idle turn latency", stats(idle));
    figure("load: loaded turn latency", {
      ...stats(loaded.map((t) => t.ms)),
      concurrentThreads: threads.length,
      turnsPerSecond: Math.round(loaded.length / (LOAD_MS / 1000)),
    });
    figure(
      "load: app-server CPU ms per turn, first half → second half of the turns",
      `${early.toFixed(1)} → ${late.toFixed(1)}`,
    );
    const half = Math.floor(rss.length / 2);
    figure("load: app-server RSS MiB", {
      start: Math.round(rss[0] ?? 0),
      peak: Math.round(Math.max(...rss)),
      end: Math.round(rss.at(-1) ?? 0),
      firstHalfMean: Math.round(mean(rss.slice(0, half))),
      secondHalfMean: Math.round(mean(rss.slice(half))),
    });
    // Threads keep their history in memory, and V8 lets garbage pile up between major GCs: bound
    // the growth per turn and the peak rather than asking for a flat line.
    const kibPerTurn = (((rss.at(-1) ?? 0) - (rss[0] ?? 0)) * 1024) / Math.max(1, loaded.length);
    figure("load: RSS growth KiB per turn", Math.round(kibPerTurn));
    // 64 MiB for V8 to size its heap up under 200 threads, then at most 128 KiB per turn.
    const growthMiB = (rss.at(-1) ?? 0) - (rss[0] ?? 0);
    expect(growthMiB).toBeLessThan(64 + (loaded.length * 128) / 1024);
    expect(Math.max(...rss)).toBeLessThan(1024);
    // The per-turn cost does not creep up over the run.
    expect(late).toBeLessThan(Math.max(2 * early, early + 5));

    for (const c of clients) c.close();
    server.child.kill("SIGTERM");
    await server.exited;
    await fake.close();
  });

  it(`one thread, ${LONG_THREAD_TURNS} turns: the per-turn cost stays flat as the history grows`, {
    timeout: 180_000,
    // CPU-per-turn ratios shift when the rest of a parallel test run starts or stops mid-measure:
    // one retry; a real creep fails both runs.
    retry: 1,
  }, async () => {
    const fake = await startFakeResponsesServer();
    fake.enqueue(
      ...Array.from({ length: LONG_THREAD_TURNS }, () => turn(sse.message("ok", { phase: "final_answer" }))),
    );
    const { server, url, work } = await startServer(fake.url);
    const client = await WsRpc.connect(url);
    await client.initialize();
    const threadId = await client.startThread(work);
    const ms: number[] = [];
    const cpuAt = new Map<number, number>();
    for (let i = 0; i < LONG_THREAD_TURNS; i++) {
      if ([20, 70, LONG_THREAD_TURNS - 50].includes(i)) cpuAt.set(i, server.cpuMs());
      const t0 = performance.now();
      const done = await client.runTurn(threadId, `turn ${i}: ${"some words of a prompt ".repeat(20)}`);
      expect(done.status).toBe("completed");
      ms.push(performance.now() - t0);
    }
    const first = stats(ms.slice(20, 70));
    const last = stats(ms.slice(-50));
    // The server's CPU per turn (less swayed by a busy machine than wall time).
    const cpuFirst = ((cpuAt.get(70) ?? 0) - (cpuAt.get(20) ?? 0)) / 50;
    const cpuLast = (server.cpuMs() - (cpuAt.get(LONG_THREAD_TURNS - 50) ?? 0)) / 50;
    figure("long thread: turn p50 at turns 20–70 → last 50 (ms)", `${first.p50Ms} → ${last.p50Ms}`);
    figure(
      "long thread: app-server CPU ms per turn, turns 20–70 → last 50",
      `${cpuFirst.toFixed(1)} → ${cpuLast.toFixed(1)}`,
    );
    figure("long thread: app-server RSS MiB after", Math.round(server.rssMiB()));
    expect(cpuLast).toBeLessThan(Math.max(2 * cpuFirst, cpuFirst + 4));
    client.close();
    server.child.kill("SIGTERM");
    await server.exited;
    await fake.close();
  });
});
