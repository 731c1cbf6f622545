import { runCli } from "./cli.js";

// zod's objects compile a specialised parser (`new Function`) on their first parse. A CLI process
// parses each schema a few times, so the compile costs more than it saves, and the V8 code cache
// cannot keep it: parse without it (zod's own `jitless` setting, read from this global by every
// copy of zod when its schemas are built — all of them load lazily, after this line runs).
const zodConfig = globalThis as { __zod_globalConfig?: Record<string, unknown> };
zodConfig.__zod_globalConfig = { ...zodConfig.__zod_globalConfig, jitless: true };

const controller = new AbortController();
let interrupts = 0;
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    interrupts += 1;
    // The first signal asks the running command to stop cleanly; a second one exits at once.
    if (interrupts > 1) process.exit(130);
    controller.abort(sig);
  });
}

// A reader that goes away (`codex-ts exec --json … | head -3`) is not a crash: stop writing,
// interrupt whatever runs so sessions still shut down and flush, and exit quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    if (!controller.signal.aborted) controller.abort("EPIPE");
  });
}

runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
