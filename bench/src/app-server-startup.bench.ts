/**
 * Figure: app-server start-up as an IDE sees it. A fresh server process per sample, stdio JSON-RPC:
 * spawn → `initialize` answered, and spawn → the first one-tool turn completed (initialize,
 * initialized, thread/start, turn/start with exec_command `echo bench-output`, final answer). With a
 * bare HOME and with a "realistic" one (a login profile that takes ~100 ms); with
 * CODEX_REFERENCE_BIN set, real Codex (`<bin> app-server`) runs the same script in the same
 * repetition, alternating, and ours/theirs ratios are recorded (goals: ≤ 0.5× and ≤ 0.6×, realistic HOME).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { type FakeResponsesServer, sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { type Benchmark, note, record } from "./harness.js";
import {
  AppServerClient,
  BenchHomes,
  expectShape,
  missingBuild,
  removeDir,
  Shapes,
  writeFakeProviderConfig,
} from "./support.js";

interface Startup {
  initializeMs: number;
  firstTurnMs: number;
}

interface Variant {
  name: string;
  /** undefined: our built app-server. */
  command?: string[];
  slowProfile: boolean;
}

const homes = new BenchHomes();

/** One fresh server: times spawn → initialize answered and spawn → first turn completed. */
async function runOnce(variant: Variant, fake: FakeResponsesServer): Promise<Startup> {
  const { home, keep } = homes.get(variant.name, variant.slowProfile);
  const work = path.join(home, "work");
  // A kept (realistic) HOME keeps its config.toml as its earlier session left it: the project
  // trust that session's thread/start recorded stays, as a user's does.
  if (!keep || !existsSync(path.join(home, "config.toml"))) writeFakeProviderConfig(home, fake.url);
  fake.enqueue(
    turn(sse.functionCall("exec_command", { cmd: "echo bench-output" }, { callId: "call_startup" })),
    turn(sse.message("The command printed bench-output.", { phase: "final_answer" })),
  );
  const t0 = performance.now();
  const server = new AppServerClient(home, work, [], { SHELL: "/bin/bash" }, variant.command);
  try {
    await server.call("initialize", {
      clientInfo: { name: "codex_ts_bench", title: "bench", version: "0.0.0" },
      capabilities: { experimentalApi: true },
    });
    const initializeMs = performance.now() - t0;
    server.child.stdin.write(`${JSON.stringify({ method: "initialized" })}\n`);
    const { thread } = expectShape(
      Shapes.threadResult,
      await server.call("thread/start", { cwd: work }),
      "thread/start",
    );
    let output = "";
    const stop = server.onNotification((m) => {
      if (m.method === "item/completed") output += JSON.stringify(m.params);
    });
    const completed = server.until((m) => m.method === "turn/completed");
    await server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "run it" }] });
    const done = await completed;
    const firstTurnMs = performance.now() - t0;
    stop();
    const { turn: ended } = expectShape(Shapes.turnCompleted, done.params, "turn/completed");
    if (ended.status !== "completed" || !output.includes("bench-output"))
      throw new Error(
        `${variant.name}: first turn ended ${JSON.stringify(ended)}; items: ${output.slice(-600)}`,
      );
    return { initializeMs, firstTurnMs };
  } finally {
    await server.close();
    if (!keep) removeDir(home);
  }
}

let fake: FakeResponsesServer | undefined;

const benchmark: Benchmark = {
  name: "app-server start-up (spawn → initialize, spawn → first turn)",
  repeats: 8,
  precondition: () => missingBuild("app-server"),
  async run({ repetition, repeats }) {
    fake ??= await startFakeResponsesServer();
    const reference = process.env.CODEX_REFERENCE_BIN;
    if (reference !== undefined && !existsSync(reference))
      throw new Error(`CODEX_REFERENCE_BIN=${reference} does not exist`);
    if (repetition === 0) {
      note(
        "each sample is a fresh server process (fresh CODEX_HOME = HOME, SHELL=/bin/bash, approvals off, `danger-full-access`) driven over stdio as an IDE does: `initialize` at once, then `initialized`, `thread/start`, `turn/start`; the fake server answers exec_command `echo bench-output`, then a final message; times run from spawn",
      );
      note(
        "“realistic HOME”: `~/.profile` runs `sleep 0.1` and sources `~/.bashrc` (a user's login profile with a version manager or two), which a login shell (`bash -lc`) pays per command unless the profile's environment is reused; that HOME (= CODEX_HOME) is kept for all runs of a server, as a user's is (the unrecorded warm-up run is their earlier session; its config.toml keeps the project trust that session's thread/start recorded), while the bare HOME is fresh per run",
      );
      if (reference === undefined)
        note("CODEX_REFERENCE_BIN is not set: no comparison with real Codex in this run");
      else note(`reference: \`${reference} app-server\`, alternating with ours in each repetition`);
    }
    const variants: Variant[] = [];
    for (const slowProfile of [true, false]) {
      variants.push({ name: "codex-ts", slowProfile });
      if (reference !== undefined)
        variants.push({ name: "reference", command: [reference, "app-server"], slowProfile });
    }
    if (repetition === 0) for (const v of variants) await runOnce(v, fake);
    const measured = new Map<string, Startup>();
    const key = (v: Variant) => `${v.name}|${v.slowProfile}`;
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(repetition + k) % variants.length] as Variant;
      measured.set(key(v), await runOnce(v, fake));
    }
    for (const slowProfile of [true, false]) {
      const home = slowProfile ? "realistic HOME" : "bare HOME";
      const ours = measured.get(`codex-ts|${slowProfile}`) as Startup;
      const theirs = measured.get(`reference|${slowProfile}`);
      record(`spawn → initialize, codex-ts, ${home}`, ours.initializeMs, { unit: "ms", digits: 0 });
      if (theirs)
        record(`spawn → initialize, reference, ${home}`, theirs.initializeMs, { unit: "ms", digits: 0 });
      record(`spawn → first turn completed, codex-ts, ${home}`, ours.firstTurnMs, { unit: "ms", digits: 0 });
      if (theirs)
        record(`spawn → first turn completed, reference, ${home}`, theirs.firstTurnMs, {
          unit: "ms",
          digits: 0,
        });
      if (theirs) {
        record(
          `spawn → initialize ratio codex-ts / reference, ${home}`,
          ours.initializeMs / theirs.initializeMs,
          {
            unit: "×",
            digits: 2,
            ...(slowProfile ? { goal: { op: "<=", value: 0.5 } } : {}),
          },
        );
        record(
          `spawn → first turn ratio codex-ts / reference, ${home}`,
          ours.firstTurnMs / theirs.firstTurnMs,
          { unit: "×", digits: 2, ...(slowProfile ? { goal: { op: "<=", value: 0.6 } } : {}) },
        );
      }
    }
    if (repetition === repeats - 1) {
      homes.removeAll();
      await fake.close();
      fake = undefined;
    }
  },
};
export default benchmark;
