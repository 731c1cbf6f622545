import { answerInitializeEarly } from "./early-initialize.js";
import { resolveCodexHome } from "./handshake.js";
import { type AppServerArgs, parseAppServerArgs } from "./listen.js";
import type { RunAppServerOptions } from "./run.js";

type RunAppServer = (options: RunAppServerOptions) => Promise<number>;

/**
 * Runs the app-server as this process, as `src/main.ts` and the `codex-ts-app-server` bin do:
 * `argv` are the `app-server` options (`--listen stdio://|unix://[PATH]|ws://IP:PORT|off`,
 * `--stdio`, `--ws-auth …`). `load` returns `runAppServer`: the bin passes one that loads its
 * code-cached bundle (`dist/server.cjs`), so that this module loads little else and a stdio
 * client's `initialize` is answered before the bundle loads (`early-initialize.ts`; set
 * `CODEX_TS_APP_SERVER_EARLY_INITIALIZE=0` to leave it to the server).
 * A bad option exits 2 (1 for an unusable auth setup) with one readable line on stderr.
 */
export async function serveProcessStdio(
  load: () => RunAppServer | Promise<RunAppServer>,
  argv: readonly string[] = process.argv.slice(2),
): Promise<void> {
  const parsed = parseAppServerArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.usage ? "error" : "Error"}: ${parsed.error}\n`);
    process.exitCode = parsed.usage ? 2 : 1;
    return;
  }
  // stdout carries protocol lines only: anything a dependency prints goes to stderr instead.
  for (const name of ["log", "info", "debug", "dir", "table"] as const) {
    console[name] = (...args: unknown[]) => console.error(...args);
  }
  // A bug somewhere below must not take the server (and every loaded thread) down.
  process.on("uncaughtException", (error) => {
    console.error("codex-ts-app-server: uncaught exception:", error);
  });
  process.on("unhandledRejection", (reason) => {
    console.error("codex-ts-app-server: unhandled rejection:", reason);
  });

  const options = await processOptions(parsed.value);
  const stdioOnly = parsed.value.listen.length === 1 && parsed.value.listen[0]?.kind === "stdio";
  if (stdioOnly && process.env.CODEX_TS_APP_SERVER_EARLY_INITIALIZE !== "0") {
    const early = await answerInitializeEarly(process.stdin, process.stdout, resolveCodexHome(process.env));
    options.stdin = early.input;
    options.stdout = early.output;
  }
  const code = await (await load())(options);
  process.exitCode = code;
  // Handles such as idle child processes must not keep a disconnected server alive.
  setTimeout(() => process.exit(code), 2_000).unref();
}

/**
 * Options for serving from this process: its stdio, and SIGINT/SIGTERM stop a listening server.
 * `./config.js` (zod, TOML, all of protocol) loads only for `-c` overrides: this module runs
 * before `initialize` is answered.
 */
export async function processOptions(args: AppServerArgs): Promise<RunAppServerOptions> {
  const stop = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop.abort());
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    listen: args.listen,
    wsAuth: args.wsAuth,
    signal: stop.signal,
    ...(args.configOverrides.length > 0
      ? { env: (await import("./config.js")).withSessionFlags(process.env, args.configOverrides) }
      : {}),
  };
}
