import type { RunAppServerOptions } from "./run.js";

/**
 * Runs the app-server as this process over its stdio, as `src/main.ts` and the
 * `codex-ts-app-server` bin do. Takes `runAppServer` as an argument so that the bin can pass the
 * one from its code-cached bundle (`dist/server.cjs`) and this module loads nothing else.
 */
export async function serveProcessStdio(
  runAppServer: (options: RunAppServerOptions) => Promise<number>,
): Promise<void> {
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

  const code = await runAppServer({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  process.exitCode = code;
  // Handles such as idle child processes must not keep a disconnected server alive.
  setTimeout(() => process.exit(code), 2_000).unref();
}
