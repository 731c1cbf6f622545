/**
 * Figure 1: `exec --json` with one tool turn (one exec_command, then the final answer) through the
 * BUILT CLI binary, against the fake Responses server on loopback: wall time and peak RSS of the
 * whole process. With CODEX_REFERENCE_BIN set (a real Codex), the same script runs through it in the
 * same run, alternating, and our/their ratios are recorded (goal ≤ 0.45× wall, ≤ 0.6× peak RSS).
 */
import { execFileSync, spawn } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { type FakeResponsesServer, sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { type Benchmark, note, record } from "./harness.js";
import { CLI_BIN, missingBuild, procMemoryMiB, removeDir, tempDir } from "./support.js";

const TIME_BIN = "/usr/bin/time";
const hasGnuTime = (() => {
  try {
    accessSync(TIME_BIN, constants.X_OK);
    return execFileSync(TIME_BIN, ["-f", "%M", "true"], { stdio: ["ignore", "ignore", "pipe"] }).length >= 0;
  } catch {
    return false;
  }
})();

interface Measured {
  wallMs: number;
  peakMiB: number;
}

let server: FakeResponsesServer | undefined;
let referenceLabel: string | undefined;

/** Runs `bin exec --json … "run it"` once with a fresh CODEX_HOME; throws unless it succeeded. */
async function runOnce(bin: string, fake: FakeResponsesServer): Promise<Measured> {
  fake.enqueue(
    turn(sse.functionCall("exec_command", { cmd: "echo bench-output" }, { callId: "call_bench" })),
    turn(sse.message("The command printed bench-output.", { phase: "final_answer" })),
  );
  const home = tempDir("exec-home");
  const work = path.join(home, "work");
  mkdirSync(work);
  const timeFile = path.join(home, "time.txt");
  const args = [
    "exec",
    "--json",
    "--skip-git-repo-check",
    "-s",
    "danger-full-access",
    "-c",
    `model_providers.x={name="x",base_url="${fake.url}",env_key="K",wire_api="responses",request_max_retries=0,stream_max_retries=0}`,
    "-c",
    "model_provider=x",
    "-c",
    'model="gpt-5.1-codex"',
    "run it",
  ];
  const [command, argv] = hasGnuTime ? [TIME_BIN, ["-f", "%M", "-o", timeFile, bin, ...args]] : [bin, args];
  try {
    const t0 = performance.now();
    let polledPeak = 0;
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(command, argv, {
        cwd: work,
        env: { PATH: process.env.PATH, HOME: home, CODEX_HOME: home, K: "bench-key" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => {
        stdout += d;
      });
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      // Without GNU time: sample the high-water mark of the direct child while it lives.
      const poll = hasGnuTime
        ? undefined
        : setInterval(() => {
            polledPeak = Math.max(polledPeak, procMemoryMiB(child.pid ?? -1, "VmHWM") ?? 0);
          }, 5);
      child.once("error", reject);
      child.once("close", (code) => {
        if (poll) clearInterval(poll);
        resolve({ code, stdout, stderr });
      });
    });
    const wallMs = performance.now() - t0;
    if (result.code !== 0 || !result.stdout.includes('"turn.completed"') || !result.stdout.includes("bench-output")) {
      throw new Error(`${bin} exited ${result.code}; stdout: ${result.stdout.slice(-800)} stderr: ${result.stderr.slice(-800)}`);
    }
    const peakMiB = hasGnuTime ? Number(readFileSync(timeFile, "utf8").trim().split("\n").at(-1)) / 1024 : polledPeak;
    return { wallMs, peakMiB };
  } finally {
    removeDir(home);
  }
}

const benchmark: Benchmark = {
  name: "exec --json one-tool turn (built CLI)",
  repeats: 10,
  precondition: () => missingBuild("cli"),
  async run({ repetition, repeats }) {
    server ??= await startFakeResponsesServer();
    const fake = server;
    const reference = process.env.CODEX_REFERENCE_BIN;
    if (reference !== undefined && !existsSync(reference)) throw new Error(`CODEX_REFERENCE_BIN=${reference} does not exist`);
    if (repetition === 0) {
      note(
        `each sample is one \`exec --json\` process (fresh CODEX_HOME, \`-s danger-full-access\`): the fake server answers an exec_command call (\`echo bench-output\`), then a final message; wall = spawn → exit as seen by the runner; peak RSS = ${hasGnuTime ? "GNU time's maximum resident set size (the largest process of the tree: for an npm-installed Codex that is the native binary, not its node launcher)" : "VmHWM of the direct child polled every 5 ms (GNU time not found)"}`,
      );
      if (reference !== undefined) {
        try {
          referenceLabel = execFileSync(reference, ["--version"], { encoding: "utf8" }).trim();
        } catch {
          referenceLabel = path.basename(reference);
        }
        note(
          `reference: \`${reference}\` (${referenceLabel}), pointed at the same fake server with \`-c model_providers.x={base_url=…,env_key="K",wire_api="responses"} -c model_provider=x\`; the two alternate (which goes first alternates too) and each ratio is ours/theirs within one pair`,
        );
      } else {
        note("CODEX_REFERENCE_BIN is not set: no comparison with real Codex in this run");
      }
      // One unrecorded warm-up of each (disk cache, first-run setup).
      await runOnce(CLI_BIN, fake);
      if (reference !== undefined) await runOnce(reference, fake);
    }
    const oursFirst = repetition % 2 === 0;
    let ours: Measured;
    let theirs: Measured | undefined;
    if (reference === undefined) ours = await runOnce(CLI_BIN, fake);
    else if (oursFirst) {
      ours = await runOnce(CLI_BIN, fake);
      theirs = await runOnce(reference, fake);
    } else {
      theirs = await runOnce(reference, fake);
      ours = await runOnce(CLI_BIN, fake);
    }
    record("wall time, codex-ts", ours.wallMs, { unit: "ms", digits: 0 });
    record("peak RSS, codex-ts", ours.peakMiB, { unit: "MiB", digits: 1 });
    if (theirs) {
      record(`wall time, reference (${referenceLabel})`, theirs.wallMs, { unit: "ms", digits: 0 });
      record(`peak RSS, reference (${referenceLabel})`, theirs.peakMiB, { unit: "MiB", digits: 1 });
      record("wall time ratio ours/theirs", ours.wallMs / theirs.wallMs, { unit: "×", digits: 2, goal: { op: "<=", value: 0.45 } });
      record("peak RSS ratio ours/theirs", ours.peakMiB / theirs.peakMiB, { unit: "×", digits: 2, goal: { op: "<=", value: 0.6 } });
    }
    if (repetition === repeats - 1) {
      await server.close();
      server = undefined;
    }
  },
};
export default benchmark;
