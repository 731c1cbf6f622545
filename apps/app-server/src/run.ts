import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { errorMessage } from "./errors.js";
import { createLogger } from "./log.js";
import { buildMethods } from "./methods/index.js";
import { Runtime } from "./runtime.js";
import { AppServerConnection } from "./server.js";

export interface RunAppServerOptions {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env?: Record<string, string | undefined>;
  /** Defaults to `$CODEX_HOME`, else `~/.codex`. */
  codexHome?: string;
}

/** Resolves `codexHome` the way Codex does: explicit, else `$CODEX_HOME`, else `~/.codex`. */
export function resolveCodexHome(env: Record<string, string | undefined>, explicit?: string): string {
  const chosen = explicit ?? env.CODEX_HOME ?? path.join(os.homedir(), ".codex");
  return path.resolve(chosen);
}

/**
 * Serves one client over a pair of streams until the client disconnects (EOF on stdin), then
 * shuts down cleanly: waits for in-flight requests, stops running turns and flushes rollouts.
 * Resolves with a process exit code; never rejects.
 */
export async function runAppServer(options: RunAppServerOptions): Promise<number> {
  const env = options.env ?? process.env;
  const log = createLogger(options.stderr, env);
  let codexHome: string;
  try {
    codexHome = resolveCodexHome(env, options.codexHome);
    mkdirSync(codexHome, { recursive: true });
  } catch (error) {
    log.error(`cannot prepare CODEX_HOME: ${errorMessage(error)}`);
    return 1;
  }
  const runtime = new Runtime({ codexHome, env, log });
  const connection = new AppServerConnection({
    input: options.stdin,
    output: options.stdout,
    log,
    codexHome,
    methods: buildMethods(runtime),
    // CODEX_TS_APP_SERVER_PREWARM=0 turns the warm-up off (no throw-away turn, loopback listener or
    // `/bin/sh -c true`), e.g. where those are unwelcome; the first turn then pays one-time costs.
    prewarm: env.CODEX_TS_APP_SERVER_PREWARM !== "0",
  });
  runtime.attach(connection);
  await connection.closed;
  log.info("client disconnected; shutting down");
  try {
    await connection.drain();
    await runtime.shutdown();
    await connection.flush();
  } catch (error) {
    log.error(`shutdown failed: ${errorMessage(error)}`);
    return 1;
  }
  return 0;
}
