/**
 * Load: 4 WebSocket clients × 10 concurrent threads on one built app-server (`--listen ws://`),
 * each thread running turns back to back for a bounded time. Every turn must complete; the suite
 * prints per-turn latency (idle vs loaded) and the server's RSS over the run.
 */
import { sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppServer } from "./app-server.js";
import { assertBuilt, cleanupDirs, eventually, figure, makeHome } from "./harness.js";
import { WsRpc } from "./rpc.js";

const CLIENTS = 4;
const THREADS_PER_CLIENT = 10;
const LOAD_MS = 15_000;

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

describe("load on one app-server", () => {
  beforeAll(assertBuilt);
  afterAll(cleanupDirs);

  it(`${CLIENTS} clients × ${THREADS_PER_CLIENT} threads for ${LOAD_MS / 1000} s: every turn completes`, {
    timeout: 120_000,
  }, async () => {
    if (typeof WebSocket !== "function")
      throw new Error("no global WebSocket: run with --experimental-websocket (vitest.config.ts sets it)");
    const fake = await startFakeResponsesServer();
    const reply = () => turn(sse.message("ok", { phase: "final_answer" }));
    fake.enqueue(...Array.from({ length: 4000 }, reply));
    const { home, work } = makeHome(fake.url);
    const server = new AppServer(home, work, { args: ["--listen", "ws://127.0.0.1:0"] });
    expect(await eventually(() => /listening on: ws:\/\/\S+/.test(server.stderr), 15_000)).toBe(true);
    const url = /listening on: (ws:\/\/\S+)/.exec(server.stderr)?.[1] as string;

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

    const rss: number[] = [server.rssMiB()];
    const sampler = setInterval(() => rss.push(server.rssMiB()), 1000);
    const loaded: number[] = [];
    let started = 0;
    const notCompleted: unknown[] = [];
    const deadline = Date.now() + LOAD_MS;
    await Promise.all(
      clients.flatMap((client, ci) =>
        Array.from({ length: THREADS_PER_CLIENT }, async (_, ti) => {
          const threadId = await client.startThread(work);
          for (let n = 0; Date.now() < deadline; n++) {
            started++;
            const t0 = performance.now();
            const done = await client.runTurn(threadId, `client ${ci} thread ${ti} turn ${n}`, 60_000);
            loaded.push(performance.now() - t0);
            if (done.status !== "completed") notCompleted.push(done);
          }
        }),
      ),
    );
    clearInterval(sampler);
    rss.push(server.rssMiB());

    expect(notCompleted).toEqual([]);
    expect(loaded.length).toBe(started);
    expect(fake.unscripted).toEqual([]);
    expect(server.alive).toBe(true);
    const half = Math.floor(rss.length / 2);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const rssFirst = mean(rss.slice(0, half));
    const rssSecond = mean(rss.slice(half));
    figure("load: idle turn latency", stats(idle));
    figure("load: loaded turn latency", {
      ...stats(loaded),
      concurrentThreads: CLIENTS * THREADS_PER_CLIENT,
      turnsPerSecond: Math.round(loaded.length / (LOAD_MS / 1000)),
    });
    figure("load: app-server RSS MiB", {
      start: Math.round(rss[0] ?? 0),
      peak: Math.round(Math.max(...rss)),
      end: Math.round(rss.at(-1) ?? 0),
      firstHalfMean: Math.round(rssFirst),
      secondHalfMean: Math.round(rssSecond),
    });
    // Threads keep their history in memory, so RSS grows with the turns run; bound the growth per
    // turn and the peak rather than asking for a flat line.
    const kibPerTurn = (((rss.at(-1) ?? 0) - (rss[0] ?? 0)) * 1024) / Math.max(1, loaded.length);
    figure("load: RSS growth KiB per turn", Math.round(kibPerTurn));
    expect(kibPerTurn).toBeLessThan(256);
    expect(Math.max(...rss)).toBeLessThan(768);

    for (const c of clients) c.close();
    server.child.kill("SIGTERM");
    await server.exited;
    await fake.close();
  });
});
