/**
 * Runs N one-tool turns (default 3) in one thread of the built app-server under extra node flags,
 * printing each turn's wall time, to profile the per-turn path:
 *   node --conditions=@codex-ts/source --import tsx src/profile-app-server.ts 3 --cpu-prof --cpu-prof-dir=/tmp/prof
 * The server warms up its first turn when the thread starts (a throw-away turn; see
 * bench/analysis/20-app-server.md). To profile turn 1 without it, add the node flag
 *   --import=data:text/javascript,process.env.CODEX_TS_APP_SERVER_PREWARM=%220%22
 * (the server's environment is fixed by the benchmark client; this sets the variable inside it).
 * MARKS=1 prints when each notification of a turn arrived.
 */
import { sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import {
  AppServerClient,
  expectShape,
  missingBuild,
  removeDir,
  Shapes,
  tempDir,
  writeFakeProviderConfig,
} from "./support.js";

const why = missingBuild("app-server");
if (why) {
  console.error(why);
  process.exit(1);
}
const [count = "3", ...nodeArgs] = process.argv.slice(2);
const fake = await startFakeResponsesServer();
const home = tempDir("profile-turns-home");
const work = tempDir("profile-turns-work");
writeFakeProviderConfig(home, fake.url);
const server = new AppServerClient(home, work, nodeArgs);
await server.initialize();
const { thread } = expectShape(
  Shapes.threadResult,
  await server.call("thread/start", { cwd: work }),
  "thread/start",
);
for (let n = 1; n <= Number(count); n++) {
  fake.enqueue(
    turn(sse.functionCall("exec_command", { cmd: "true", yield_time_ms: 10_000 }, { callId: `call_${n}` })),
    turn(sse.message(`Turn ${n} done.`, { phase: "final_answer" })),
  );
  const marks: string[] = [];
  const t0 = performance.now();
  const stop = server.onNotification((m) =>
    marks.push(
      `${(performance.now() - t0).toFixed(0)} ${m.method}${m.method === "item/completed" || m.method === "item/started" ? `(${expectShape(Shapes.itemCompleted, m.params, m.method).item.type})` : ""}`,
    ),
  );
  await Promise.all([
    server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: `turn ${n}` }] }),
    server.until((m) => m.method === "turn/completed"),
  ]);
  stop();
  console.log(`turn ${n}: ${(performance.now() - t0).toFixed(1)} ms`);
  if (process.env.MARKS) console.log(`  ${marks.join("\n  ")}`);
}
await server.close();
await fake.close();
removeDir(home);
removeDir(work);
