import { PassThrough, Writable } from "node:stream";
import { runAppServer } from "@codex-ts/app-server";
import { JsonLinesClient } from "./client.js";
import { VERSION } from "../version.js";

export interface ConnectOptions {
  env: NodeJS.ProcessEnv;
  /** Where the server's diagnostics go (never the terminal the TUI draws on). Default: dropped. */
  log?: Writable;
}

/**
 * Starts an app-server in this process, linked to the returned client by a pair of in-memory
 * streams carrying the app-server's own JSON-lines framing, and completes the handshake.
 */
export async function connectInProcess(options: ConnectOptions): Promise<JsonLinesClient> {
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  const log =
    options.log ??
    new Writable({
      write(_chunk, _encoding, callback) {
        callback();
      },
    });
  const served = runAppServer({ stdin: toServer, stdout: fromServer, stderr: log, env: options.env });
  const client = new JsonLinesClient(fromServer, toServer, async () => {
    await served;
    fromServer.end();
  });
  await client.request("initialize", {
    clientInfo: { name: "codex_ts_tui", title: "codex-ts TUI", version: VERSION },
    capabilities: { experimentalApi: true },
  });
  client.notifyInitialized();
  return client;
}
