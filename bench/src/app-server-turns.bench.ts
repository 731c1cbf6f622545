/**
 * Figure 2: 100 turns in one thread of the BUILT app-server (stdio). Each turn: the model calls
 * exec_command (`true`), then answers. Per-turn harness overhead = (turn/start sent → turn/completed
 * received) − the model server's time for that turn's two requests − the tool's own time.
 * Goal ≤ 20 ms, and flat from turn 1 to turn 100; plus the server's RSS after 100 turns.
 */
import {
  type FakeResponsesServer,
  type ScriptEntry,
  sse,
  startFakeResponsesServer,
  turn,
} from "@codex-ts/test-support";
import { type Benchmark, median, note, record } from "./harness.js";
import {
  AppServerClient,
  expectShape,
  missingBuild,
  procMemoryMiB,
  removeDir,
  Shapes,
  tempDir,
  writeFakeProviderConfig,
} from "./support.js";

const TURNS = 100;
/** Turns whose overhead is recorded: turn 1, and windows of five around turns 50 and 100. */
const WINDOWS: Array<{ label: string; turns: number[] }> = [
  { label: "turn 1", turns: [1] },
  { label: "turns 48–52", turns: [48, 49, 50, 51, 52] },
  { label: "turns 96–100", turns: [96, 97, 98, 99, 100] },
];
const SAMPLED = new Set(WINDOWS.flatMap((w) => w.turns));
const GOAL_MS = 20;

function script(n: number): ScriptEntry[] {
  return [
    turn(sse.functionCall("exec_command", { cmd: "true", yield_time_ms: 10_000 }, { callId: `call_${n}` })),
    turn(sse.message(`Turn ${n} done.`, { phase: "final_answer" })),
  ];
}

/**
 * The model server's time for one request, as a client sees it: replay the same request body to the
 * fake server (same scripted answer) from this process and time it until the stream has ended.
 * Median of 3 replays.
 */
async function modelServerMs(
  fake: FakeResponsesServer,
  rawBody: string,
  entry: () => ScriptEntry,
): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    fake.enqueue(entry());
    const t0 = performance.now();
    const res = await fetch(`${fake.url}/responses`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer bench-key",
        accept: "text/event-stream",
      },
      body: rawBody,
    });
    await res.text();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const benchmark: Benchmark = {
  name: "app-server: 100 turns in one thread",
  repeats: 5,
  precondition: () => missingBuild("app-server"),
  async run({ repetition }) {
    if (repetition === 0) {
      note(
        `the built app-server (\`apps/app-server/bin\`, stdio JSON-RPC) with a fresh CODEX_HOME per repetition, approvals off, \`danger-full-access\`; one thread, ${TURNS} turns; each turn = exec_command \`true\` + final answer from the fake server`,
      );
      note(
        "overhead = (turn/start written → turn/completed read) − the model server's time (each of the turn's two request bodies replayed 3× against the fake server from the runner, median, summed) − the tool's own time (`durationMs` of the commandExecution item); samples: turn 1, turns 48–52, turns 96–100 of every repetition (turn 1 is the first turn of a freshly started server: the client sends thread/start right after `initialized` and turn/start right after thread/start's response, with no idle time, so whatever the server's warm-up after `initialized` has not finished by then overlaps thread/start and turn 1; the thread/start rows show what that warm-up costs a client that starts at once); the “warm-up off” rows repeat turn 1 and thread/start in a second server started with `CODEX_TS_APP_SERVER_PREWARM=0`",
      );
    }
    const main = await runThread([], TURNS, SAMPLED);
    for (const w of WINDOWS) {
      for (const n of w.turns)
        record(`harness overhead per turn, ${w.label}`, main.overhead.get(n) as number, {
          unit: "ms",
          digits: 1,
          goal: { op: "<=", value: GOAL_MS },
        });
    }
    record("thread/start of the fresh server (right after initialized)", main.threadStartMs, {
      unit: "ms",
      digits: 1,
    });
    record(
      "thread/start + turn 1 overhead (what a client that starts at once waits)",
      main.threadStartMs + (main.overhead.get(1) as number),
      {
        unit: "ms",
        digits: 1,
      },
    );
    const mid = median(WINDOWS[1]?.turns.map((n) => main.overhead.get(n) as number) ?? []);
    const end = median(WINDOWS[2]?.turns.map((n) => main.overhead.get(n) as number) ?? []);
    record("overhead growth, turns 96–100 vs 48–52 (medians)", end - mid, { unit: "ms", digits: 1 });
    if (main.rssAfterTurn1 !== undefined)
      record("server RSS after turn 1", main.rssAfterTurn1, { unit: "MiB", digits: 1 });
    if (main.rssAtEnd !== undefined)
      record(`server RSS after ${TURNS} turns`, main.rssAtEnd, { unit: "MiB", digits: 1 });

    // The same first turn in a server without the warm-up: what the cold paths cost by themselves.
    const cold = await runThread([], 1, new Set([1]), { CODEX_TS_APP_SERVER_PREWARM: "0" });
    record("harness overhead, turn 1, warm-up off (CODEX_TS_APP_SERVER_PREWARM=0)", cold.overhead.get(1) as number, {
      unit: "ms",
      digits: 1,
    });
    record("thread/start of the fresh server, warm-up off", cold.threadStartMs, { unit: "ms", digits: 1 });
    record(
      "thread/start + turn 1 overhead, warm-up off",
      cold.threadStartMs + (cold.overhead.get(1) as number),
      { unit: "ms", digits: 1 },
    );
  },
};

interface ThreadRun {
  overhead: Map<number, number>;
  /** thread/start of the fresh server, sent right after `initialized`, request → response. */
  threadStartMs: number;
  rssAfterTurn1: number | undefined;
  rssAtEnd: number | undefined;
}

/** A fresh app-server (with `nodeArgs`), one thread, `turns` one-tool turns; overhead of the `sampled` ones. */
async function runThread(
  nodeArgs: readonly string[],
  turns: number,
  sampled: ReadonlySet<number>,
  env: Record<string, string> = {},
): Promise<ThreadRun> {
  const fake = await startFakeResponsesServer();
  const home = tempDir("turns-home");
  const work = tempDir("turns-work");
  writeFakeProviderConfig(home, fake.url);
  const server = new AppServerClient(home, work, nodeArgs, env);
  try {
    await server.initialize();
    // thread/start is sent right after `initialized`, as a client that opens a thread at once does:
    // it competes with the server's warm-up (see the analysis), so it is timed too.
    const s0 = performance.now();
    const { thread } = expectShape(
      Shapes.threadResult,
      await server.call("thread/start", { cwd: work }),
      "thread/start",
    );
    const threadStartMs = performance.now() - s0;
    const overhead = new Map<number, number>();
    let rssAfterTurn1: number | undefined;
    for (let n = 1; n <= turns; n++) {
      fake.enqueue(...script(n));
      const before = fake.responsesRequests().length;
      let toolMs = 0;
      const stop = server.onNotification((m) => {
        if (m.method !== "item/completed") return;
        const { item } = expectShape(Shapes.itemCompleted, m.params, "item/completed");
        if (item.type === "commandExecution") toolMs += item.durationMs ?? 0;
      });
      const t0 = performance.now();
      const started = server.call("turn/start", {
        threadId: thread.id,
        input: [{ type: "text", text: `turn ${n}: run true` }],
      });
      const completed = server.until(
        (m) =>
          m.method === "turn/completed" &&
          expectShape(Shapes.turnCompleted, m.params, "turn/completed").threadId === thread.id,
      );
      const [, done] = await Promise.all([started, completed]);
      const wallMs = performance.now() - t0;
      stop();
      const { turn: ended } = expectShape(Shapes.turnCompleted, done.params, "turn/completed");
      if (ended.status !== "completed") throw new Error(`turn ${n} ended ${JSON.stringify(ended)}`);
      const requests = fake.responsesRequests().slice(before);
      if (requests.length !== 2)
        throw new Error(`turn ${n}: expected 2 model requests, saw ${requests.length}`);
      if (sampled.has(n)) {
        let modelMs = 0;
        for (const [k, request] of requests.entries()) {
          modelMs += await modelServerMs(fake, request.rawBody, () => script(n)[k] as ScriptEntry);
        }
        overhead.set(n, wallMs - modelMs - toolMs);
      }
      if (n === 1) rssAfterTurn1 = procMemoryMiB(server.child.pid ?? -1, "VmRSS");
    }
    return {
      overhead,
      threadStartMs,
      rssAfterTurn1,
      rssAtEnd: procMemoryMiB(server.child.pid ?? -1, "VmRSS"),
    };
  } finally {
    await server.close();
    await fake.close();
    removeDir(home);
    removeDir(work);
  }
}
export default benchmark;
