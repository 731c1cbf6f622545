/**
 * Runs the figure-1 script (`exec --json`, one exec_command + answer, fake server) once through the
 * built CLI under extra node flags, to profile it:
 *   node --conditions=@codex-ts/source --import tsx src/profile-exec.ts --cpu-prof --cpu-prof-dir=/tmp/prof
 *   node --conditions=@codex-ts/source --import tsx src/profile-exec.ts --heap-prof --heap-prof-dir=/tmp/prof
 * Prints the wall time, peak RSS (GNU time when present) and the CLI's stdout/stderr tails.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { CLI_BIN, missingBuild, removeDir, tempDir } from "./support.js";

const why = missingBuild("cli");
if (why) {
  console.error(why);
  process.exit(1);
}
const nodeFlags = process.argv.slice(2);
const fake = await startFakeResponsesServer({
  script: [
    turn(sse.functionCall("exec_command", { cmd: "echo bench-output" }, { callId: "call_bench" })),
    turn(sse.message("The command printed bench-output.", { phase: "final_answer" })),
  ],
});
const home = tempDir("profile-home");
const work = path.join(home, "work");
mkdirSync(work);
const timeFile = path.join(home, "time.txt");
const hasTime = existsSync("/usr/bin/time");
const cli = [
  process.execPath,
  ...nodeFlags,
  CLI_BIN,
  "exec",
  "--json",
  "--skip-git-repo-check",
  "-s",
  "danger-full-access",
];
cli.push(
  "-c",
  `model_providers.x={name="x",base_url="${fake.url}",env_key="K",wire_api="responses"}`,
  "-c",
  "model_provider=x",
  "run it",
);
const [cmd, ...args] = hasTime ? ["/usr/bin/time", "-f", "%M", "-o", timeFile, ...cli] : cli;
const t0 = performance.now();
const child = spawn(cmd as string, args, {
  cwd: work,
  env: { PATH: process.env.PATH, HOME: home, CODEX_HOME: home, K: "k" },
  stdio: ["ignore", "pipe", "pipe"],
});
let out = "";
let err = "";
child.stdout.on("data", (d) => {
  out += d;
});
child.stderr.on("data", (d) => {
  err += d;
});
const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
console.log(
  `exit ${code}, wall ${(performance.now() - t0).toFixed(0)} ms${hasTime ? `, peak RSS ${(Number(readFileSync(timeFile, "utf8").trim()) / 1024).toFixed(1)} MiB` : ""}`,
);
console.log(out.slice(-600));
if (err) console.log(`stderr: ${err.slice(-600)}`);
await fake.close();
removeDir(home);
