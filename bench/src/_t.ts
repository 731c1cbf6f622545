import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { CLI_BIN, tempDir } from "./support.js";
const fake = await startFakeResponsesServer({ script: [
  turn(sse.functionCall("exec_command", { cmd: "echo bench-output" }, { callId: "c" })),
  turn(sse.message("done", { phase: "final_answer" })) ] });
const home = tempDir("t"); const work = path.join(home, "w"); mkdirSync(work);
const bin = process.argv[2] ?? CLI_BIN;
console.log("PRE", process.env.PRE);
const t0 = performance.now();
const c = spawn(process.env.STRACE ? "strace" : bin, [...(process.env.STRACE ? ["-f", "-tt", "-T", "-o", process.env.STRACE, bin] : []), "exec","--json","--skip-git-repo-check","-s","danger-full-access","-c",`model_providers.x={name="x",base_url="${fake.url}",env_key="K",wire_api="responses"}`,"-c","model_provider=x","run it"], { cwd: work, env: { PATH: process.env.PATH, HOME: home, CODEX_HOME: home, K: "k" }, stdio: ["ignore","pipe","pipe"] });
const ts = () => (performance.now() - t0).toFixed(0).padStart(5);
let n = 0;
const iv = setInterval(() => { const l = fake.requests.length; if (l !== n) { console.log(ts(), "server saw request", l); n = l; } }, 1);
c.stdout.on("data", (d) => { for (const l of String(d).trim().split("\n")) console.log(ts(), l.slice(0, 90)); });
c.stderr.on("data", (d) => process.stdout.write(String(d)));
c.on("exit", () => console.log(ts(), "exit"));
c.on("close", () => { console.log(ts(), "close"); clearInterval(iv); void fake.close(); });
