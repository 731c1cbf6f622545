import { Writable } from "node:stream";
import { createInProcessConnection } from "@codex-ts/app-server";
import { VERSION } from "../version.js";
import { ChannelClient } from "./client.js";

export interface ConnectOptions {
  env: NodeJS.ProcessEnv;
  /** Where the server's diagnostics go (never the terminal the TUI draws on). Default: dropped. */
  log?: Writable;
}

export interface Connected {
  client: ChannelClient;
  /** The server's CODEX_HOME (from `initialize`). */
  codexHome: string;
}

/** Starts an app-server in this process, connects to it and completes the handshake. */
export async function connectInProcess(options: ConnectOptions): Promise<Connected> {
  const stderr =
    options.log ??
    new Writable({
      write(_chunk, _encoding, callback) {
        callback();
      },
    });
  const connection = createInProcessConnection({ env: options.env, stderr });
  const client = new ChannelClient(connection, connection.done);
  const initialized = await client.request("initialize", {
    clientInfo: { name: "codex_ts_tui", title: "codex-ts TUI", version: VERSION },
    capabilities: { experimentalApi: true },
  });
  client.notifyInitialized();
  return { client, codexHome: initialized.codexHome };
}
