import { mkdirSync } from "node:fs";
import type { Readable, Writable } from "node:stream";
import { type ClientChannel, createChannelPair, streamChannel } from "./channel.js";
import { errorMessage } from "./errors.js";
import { resolveCodexHome } from "./handshake.js";
import { AppServerHost } from "./host.js";
import type { ListenTarget, WsAuthConfig } from "./listen.js";
import { type Listener, defaultControlSocket, listenUnix, listenWebSocket } from "./websocket.js";

export interface RunAppServerOptions {
  /** Needed when `listen` includes stdio (the default). */
  stdin?: Readable;
  stdout?: Writable;
  stderr: Writable;
  env?: Record<string, string | undefined>;
  /** Defaults to `$CODEX_HOME`, else `~/.codex`. */
  codexHome?: string;
  /** Where to serve clients; default `[{ kind: "stdio" }]` (see `parseAppServerArgs`). */
  listen?: readonly ListenTarget[];
  /** How WebSocket (TCP) clients authenticate; default none (loopback binds only). */
  wsAuth?: WsAuthConfig;
  /** Stops a server that has no stdio client (with stdio, EOF on stdin stops it). */
  signal?: AbortSignal;
  /** Called once every listener is up, with the URLs clients connect to. */
  onListening?: (urls: string[]) => void;
}

export { resolveCodexHome } from "./handshake.js";

function prepareHome(env: Record<string, string | undefined>, explicit: string | undefined): string {
  const codexHome = resolveCodexHome(env, explicit);
  mkdirSync(codexHome, { recursive: true });
  return codexHome;
}

/**
 * Serves clients until the stdio client disconnects (EOF on stdin) or, without stdio, until
 * `signal` aborts; then shuts down cleanly: disconnects the other clients, waits for in-flight
 * requests, stops running turns and flushes rollouts. Resolves with a process exit code (1 when
 * a listener cannot start); never rejects.
 */
export async function runAppServer(options: RunAppServerOptions): Promise<number> {
  const env = options.env ?? process.env;
  const listen = options.listen ?? [{ kind: "stdio" }];
  let codexHome: string;
  try {
    codexHome = prepareHome(env, options.codexHome);
  } catch (error) {
    options.stderr.write(`codex-ts-app-server: cannot prepare CODEX_HOME: ${errorMessage(error)}\n`);
    return 1;
  }
  const host = new AppServerHost({ codexHome, env, stderr: options.stderr });
  const listeners: Listener[] = [];
  let stdioClosed: Promise<void> | undefined;
  const serve = { auth: options.wsAuth ?? { mode: "none" as const }, log: host.log, onChannel: (channel: Parameters<AppServerHost["connect"]>[0]) => host.connect(channel) };
  try {
    for (const target of listen) {
      if (target.kind === "stdio") {
        if (!options.stdin || !options.stdout) throw new Error("stdio transport needs stdin and stdout");
        stdioClosed = host.connect(streamChannel(options.stdin, options.stdout, host.log)).closed;
      } else if (target.kind === "ws") {
        listeners.push(await listenWebSocket(target.host, target.port, serve));
      } else if (target.kind === "unix") {
        listeners.push(await listenUnix(target.path ?? defaultControlSocket(codexHome), serve));
      }
    }
  } catch (error) {
    host.log.error(`cannot listen: ${errorMessage(error)}`);
    options.stderr.write(`Error: ${errorMessage(error)}\n`);
    await Promise.all(listeners.map((l) => l.close()));
    await host.shutdown();
    return 1;
  }
  const urls = listeners.map((l) => l.url);
  if (urls.length > 0) {
    options.stderr.write(`codex-ts app-server\n${urls.map((url) => `  listening on: ${url}\n`).join("")}`);
    for (const url of urls.filter((u) => u.startsWith("ws://"))) {
      options.stderr.write(`  readyz: ${url.replace("ws://", "http://")}/readyz\n  healthz: ${url.replace("ws://", "http://")}/healthz\n`);
    }
  }
  options.onListening?.(urls);
  const aborted = new Promise<void>((resolve) => {
    if (options.signal?.aborted) resolve();
    options.signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  await (stdioClosed ? Promise.race([stdioClosed, aborted]) : aborted);
  host.log.info("shutting down");
  await Promise.all(listeners.map((l) => l.close().catch(() => {})));
  return host.shutdown();
}

/** The client's end of an in-process app-server (see `createInProcessConnection`). */
export interface InProcessConnection extends ClientChannel {
  /** Resolves with the server's exit code once it shut down after `close()`. */
  readonly done: Promise<number>;
}

export interface InProcessOptions {
  env?: Record<string, string | undefined>;
  codexHome?: string;
  /** Where server logs go; default process.stderr. */
  stderr?: Writable;
}

/**
 * A whole app-server in this process, with one client connected to it through an in-process
 * channel pair: no subprocess, no stdio. The client sends and receives JSON-RPC message objects
 * (`initialize` first, as on any transport); `close()` disconnects, and the server then shuts
 * down as it does on EOF (turns stopped, rollouts flushed) and resolves `done`.
 */
export function createInProcessConnection(options: InProcessOptions = {}): InProcessConnection {
  const env = options.env ?? process.env;
  const stderr = options.stderr ?? process.stderr;
  const { server, client } = createChannelPair();
  let done: Promise<number>;
  try {
    const host = new AppServerHost({ codexHome: prepareHome(env, options.codexHome), env, stderr });
    const connection = host.connect(server);
    done = connection.closed.then(() => host.shutdown());
  } catch (error) {
    stderr.write(`codex-ts-app-server: ${errorMessage(error)}\n`);
    client.close();
    done = Promise.resolve(1);
  }
  return { send: client.send, onMessage: client.onMessage, onClose: client.onClose, close: client.close, done };
}
