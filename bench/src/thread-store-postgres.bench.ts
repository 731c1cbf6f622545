/**
 * The PostgreSQL thread store (issue 22), through the BUILT app-server with `CODEX_THREAD_STORE_URL`:
 * thread/list's first page over 100,000 threads (goal ≤ 50 ms); thread/resume of a 10,000-item
 * thread, PostgreSQL vs the local store (goal: not slower); turns per second of 3 servers × 10
 * concurrent threads vs one server × 10. The database is `CODEX_TS_TEST_PG_URL`'s, else a
 * throw-away cluster (`@codex-ts/thread-store-postgres/test-cluster`; PostgreSQL must be installed).
 */
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { LocalThreadStore, type StoreResult, type ThreadStore } from "@codex-ts/thread-store";
import { sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { type Benchmark, median, note, progress, record } from "./harness.js";
import {
  APP_SERVER_BIN,
  AppServerClient,
  expectShape,
  missingBuild,
  removeDir,
  Shapes,
  tempDir,
  writeFakeProviderConfig,
  writeLongThread,
} from "./support.js";

const THREADS = 100_000;
const PAGE = 25;
const ITEMS = 10_000;
const TURNS_PER_THREAD = 4;
const THREADS_PER_SERVER = 10;

/** What this benchmark uses of the PostgreSQL package (loaded as the app-server resolves it). */
interface PgStore extends ThreadStore {
  readonly sql: { unsafe(query: string): Promise<unknown> };
}
interface PgModule {
  PostgresThreadStore: { open(options: { url: string; maxConnections?: number }): Promise<StoreResult<PgStore>> };
}
interface ClusterModule {
  startTestDatabase(): Promise<{ url: string; stop(): Promise<void> }>;
}

/** The bench package does not depend on the PostgreSQL package: resolve it from the app-server, which does. */
async function fromAppServer<T>(name: string): Promise<T> {
  return (await import(pathToFileURL(createRequire(APP_SERVER_BIN).resolve(name)).href)) as T;
}

function unwrap<T>(result: StoreResult<T>, what: string): T {
  if (!result.ok) throw new Error(`${what}: ${result.error.message}`);
  return result.value;
}

interface Fixture {
  stop(): Promise<void>;
  pg: PgModule;
  listUrl: string;
  resumeUrl: string;
  turnsUrl: string;
  localHome: string;
  work: string;
  longThreadId: string;
}
let fixture: Fixture | undefined;

async function makeFixture(): Promise<Fixture> {
  const pg = await fromAppServer<PgModule>("@codex-ts/thread-store-postgres");
  const cluster = await (await fromAppServer<ClusterModule>("@codex-ts/thread-store-postgres/test-cluster")).startTestDatabase();
  try {
    return await fill(pg, cluster);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

async function fill(pg: PgModule, cluster: { url: string; stop(): Promise<void> }): Promise<Fixture> {
  const admin = unwrap(await pg.PostgresThreadStore.open({ url: cluster.url, maxConnections: 1 }), "open");
  const suffix = randomBytes(4).toString("hex");
  const database = async (name: string) => {
    await admin.sql.unsafe(`CREATE DATABASE ${name}_${suffix}`);
    const url = new URL(cluster.url);
    url.pathname = `/${name}_${suffix}`;
    return url.toString();
  };
  const [listUrl, resumeUrl, turnsUrl] = [await database("bench_list"), await database("bench_resume"), await database("bench_turns")];
  await admin.close();

  const t0 = performance.now();
  const lister = unwrap(await pg.PostgresThreadStore.open({ url: listUrl }), "open list db");
  // 100,000 threads, one session_meta line each, spread over ~290 days, as a server would have stored them.
  await lister.sql.unsafe(`
    INSERT INTO codex_threads (id, session_id, preview, model_provider, model, created_at_ms, updated_at_ms, cwd,
      cli_version, source, source_kind, line_count, search_text)
    SELECT id, id, 'thread ' || i || ': please look at module ' || (i % 97), 'openai', 'gpt-5.1-codex', at, at, '/work',
      '0.169.0', '"cli"'::jsonb, 'cli', 1, lower('thread ' || i || ': please look at module ' || (i % 97))
    FROM (SELECT i, lpad(to_hex(i), 8, '0') || '-0000-7000-8000-000000000000' AS id,
            (extract(epoch FROM now()) * 1000)::bigint - (${THREADS} - i)::bigint * 250000 AS at
          FROM generate_series(1, ${THREADS}) AS i) AS g;
    INSERT INTO codex_thread_lines (thread_id, seq, line)
    SELECT id, 0, json_build_object('timestamp', now(), 'ordinal', 0, 'type', 'session_meta',
      'payload', json_build_object('id', id, 'cwd', '/work', 'originator', 'codex_cli_rs', 'cli_version', '0.169.0',
        'source', 'cli', 'model_provider', 'openai'))::text
    FROM codex_threads;
    ANALYZE;`);
  await lister.close();

  const work = tempDir("pg-work");
  const localHome = tempDir("pg-local-home");
  const longThreadId = writeLongThread(localHome, ITEMS, work);
  const local = unwrap(await LocalThreadStore.open({ codexHome: localHome }), "open local");
  const remote = unwrap(await pg.PostgresThreadStore.open({ url: resumeUrl }), "open resume db");
  unwrap(await remote.importThread(unwrap(await local.exportThread(longThreadId), "export")), "import");
  await Promise.all([local.close(), remote.close()]);
  progress(`stored ${THREADS.toLocaleString("en-US")} threads and one ${ITEMS.toLocaleString("en-US")}-item thread in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { stop: () => cluster.stop(), pg, listUrl, resumeUrl, turnsUrl, localHome, work, longThreadId };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

const pgEnv = (url: string): Record<string, string> => ({ CODEX_THREAD_STORE_URL: url });

/** One thread/resume of the long thread by a fresh server; ms from request to response. */
async function resumeMs(f: Fixture, env: Record<string, string>): Promise<number> {
  const client = new AppServerClient(f.localHome, f.work, [], env);
  try {
    await client.initialize();
    // Open the store first (a server does so at its first thread call), so only the resume is timed.
    await client.call("thread/list", { limit: 1 });
    const resumed = await timed(() => client.call("thread/resume", { threadId: f.longThreadId }, 600_000));
    const { thread } = expectShape(Shapes.threadResult, resumed.value, "thread/resume");
    if (thread.id !== f.longThreadId) throw new Error(`thread/resume answered thread ${thread.id}`);
    return resumed.ms;
  } finally {
    await client.close();
  }
}

/** Turns per second of `servers` servers, each running TURNS_PER_THREAD turns in each of its 10 threads at once. */
async function turnsPerSecond(f: Fixture, servers: number, env: Record<string, string>): Promise<number> {
  const fake = await startFakeResponsesServer();
  const homes = Array.from({ length: servers }, () => tempDir("pg-turns-home"));
  const clients = homes.map((home) => {
    writeFakeProviderConfig(home, fake.url);
    return new AppServerClient(home, f.work, [], env);
  });
  try {
    await Promise.all(clients.map((c) => c.initialize()));
    for (let i = 0; i < servers * THREADS_PER_SERVER * TURNS_PER_THREAD; i++) fake.enqueue(turn(sse.message(`answer ${i}`)));
    const threads = await Promise.all(
      clients.flatMap((client) =>
        Array.from({ length: THREADS_PER_SERVER }, async () => {
          const started = expectShape(Shapes.threadResult, await client.call("thread/start", { cwd: f.work }), "thread/start");
          return { client, id: started.thread.id };
        }),
      ),
    );
    const t0 = performance.now();
    await Promise.all(
      threads.map(async ({ client, id }) => {
        for (let n = 0; n < TURNS_PER_THREAD; n++) {
          const done = client.until((m) => m.method === "turn/completed" && (m.params as { threadId?: string }).threadId === id, 120_000);
          await client.call("turn/start", { threadId: id, input: [{ type: "text", text: `turn ${n}` }] });
          await done;
        }
      }),
    );
    return (threads.length * TURNS_PER_THREAD) / ((performance.now() - t0) / 1000);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await fake.close();
    for (const home of homes) removeDir(home);
  }
}

const benchmark: Benchmark = {
  name: "thread store on PostgreSQL: list, resume, fleet turns",
  repeats: 3,
  precondition: () => missingBuild("app-server"),
  async run({ repetition, repeats }) {
    fixture ??= await makeFixture();
    const f = fixture;
    if (repetition === 0) {
      note(
        `PostgreSQL 15 on loopback (a throw-away cluster with fsync off unless CODEX_TS_TEST_PG_URL names one); the built app-server with CODEX_THREAD_STORE_URL; ${THREADS.toLocaleString("en-US")} threads inserted with SQL (one session_meta line each)`,
      );
      note(`thread/list: a fresh server per repetition, its first call (store open + migration check) recorded apart, then 5 timed \`thread/list {limit: ${PAGE}}\``);
      note(`thread/resume: the ${ITEMS.toLocaleString("en-US")}-item thread of the thread-list benchmark, imported into PostgreSQL with \`threads import\`'s store call; one resume per fresh server, store already open, local (rollout file) vs PostgreSQL`);
      note(`turns/s: each server runs ${THREADS_PER_SERVER} threads at once, ${TURNS_PER_THREAD} turns each (one answer from the fake model per turn), all on one database; 2 CPU cores shared by every process`);
    }

    const lister = new AppServerClient(f.localHome, f.work, [], pgEnv(f.listUrl));
    try {
      await lister.initialize();
      const first = await timed(() => lister.call("thread/list", { limit: PAGE }, 120_000));
      expectShape(Shapes.threadList, first.value, "thread/list");
      record("thread/list first call of a new server (store open)", first.ms, { unit: "ms", digits: 0 });
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        const page = await timed(() => lister.call("thread/list", { limit: PAGE }));
        const data = expectShape(Shapes.threadList, page.value, "thread/list").data;
        if (data.length !== PAGE) throw new Error(`first page has ${data.length} threads`);
        samples.push(page.ms);
      }
      record(`thread/list first page (${PAGE} of ${THREADS.toLocaleString("en-US")}, PostgreSQL)`, median(samples), {
        unit: "ms",
        digits: 1,
        goal: { op: "<=", value: 50 },
      });
    } finally {
      await lister.close();
    }

    const local = await resumeMs(f, {});
    const remote = await resumeMs(f, pgEnv(f.resumeUrl));
    record(`thread/resume of a ${ITEMS.toLocaleString("en-US")}-item thread, local store`, local, { unit: "ms", digits: 0 });
    record(`thread/resume of a ${ITEMS.toLocaleString("en-US")}-item thread, PostgreSQL`, remote, { unit: "ms", digits: 0 });
    record("thread/resume PostgreSQL ÷ local", remote / local, { unit: "×", digits: 2, goal: { op: "<=", value: 1 } });

    const one = await turnsPerSecond(f, 1, pgEnv(f.turnsUrl));
    const three = await turnsPerSecond(f, 3, pgEnv(f.turnsUrl));
    record(`turns/s, 1 server × ${THREADS_PER_SERVER} threads (PostgreSQL)`, one, { unit: "turns/s", digits: 1 });
    record(`turns/s, 3 servers × ${THREADS_PER_SERVER} threads (PostgreSQL)`, three, { unit: "turns/s", digits: 1 });
    record("turns/s, 3 servers ÷ 1 server", three / one, { unit: "×", digits: 2 });

    if (repetition === repeats - 1) {
      removeDir(f.localHome);
      removeDir(f.work);
      await f.stop();
      fixture = undefined;
    }
  },
};
export default benchmark;
