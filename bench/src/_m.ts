import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { tempDir } from "./support.js";
const bin = process.argv[2] as string;
for (let i = 0; i < 3; i++) {
const fake = await startFakeResponsesServer({ script: [
  turn(sse.functionCall("exec_command", { cmd: "echo bench-output" }, { callId: "c" })),
  turn(sse.message("done", { phase: "final_answer" })) ] });
const home = tempDir("m"); const work = path.join(home, "w"); mkdirSync(work);
const t0 = performance.now();
const c = spawn("/usr/bin/time", ["-f", "%M", "-o", `${home}/t`, bin, "exec","--json","--skip-git-repo-check","-s","danger-full-access","-c",`model_providers.x={name="x",base_url="${fake.url}",env_key="K",wire_api="responses"${process.env.RETRIES ? ",request_max_retries=0,stream_max_retries=0" : ""}}`,"-c","model_provider=x",...(process.env.MODEL ? ["-c", `model="${process.env.MODEL}"`] : []),"run it"], { cwd: work, env: { PATH: process.env.PATH, HOME: home, CODEX_HOME: home, K: "k" }, stdio: ["ignore","pipe","pipe"] });
c.stdout.resume(); c.stderr.resume();
await new Promise((r) => c.on("close", r));
console.log(path.basename(bin), (performance.now() - t0).toFixed(0), "ms", (Number(readFileSync(`${home}/t`, "utf8"))/1024).toFixed(1), "MiB");
await fake.close();
}
