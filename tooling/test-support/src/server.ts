import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { encodeEvent, type RecordedRequest, type ScriptEntry } from "./sse.js";

export interface FakeResponsesServerOptions {
  /** Entries consumed in order, one per POST /v1/responses. More can be added with `enqueue`. */
  script?: ScriptEntry[];
  /** JSON returned by GET /v1/models. Default `{ "models": [] }`. */
  models?: unknown;
}

export interface FakeResponsesServer {
  /** Base URL ending in `/v1`, e.g. `http://127.0.0.1:43121/v1` (use as a provider's base_url). */
  readonly url: string;
  readonly port: number;
  /** Every request received, in arrival order (including GET /v1/models). */
  readonly requests: RecordedRequest[];
  /** Only the POST /v1/responses requests, in order. */
  responsesRequests(): RecordedRequest[];
  /** Append script entries. */
  enqueue(...entries: ScriptEntry[]): void;
  /** Script entries not consumed yet. */
  remaining(): number;
  /** Requests that arrived after the script ran out (each answered with a 500 naming the problem). */
  readonly unscripted: RecordedRequest[];
  /** Resolves once at least `count` POST /v1/responses requests arrived (rejects after `timeoutMs`). */
  waitForResponsesRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /**
   * config.toml text pointing Codex at this server: `model_provider = "<id>"` plus a
   * `[model_providers.<id>]` table (base_url, wire_api, small retry counts; `env_key` when given).
   */
  configToml(options?: { providerId?: string; envKey?: string; model?: string; retries?: number }): string;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

function headerRecord(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Start a fake Responses API server on 127.0.0.1 at an ephemeral port. Each POST /v1/responses
 * consumes the next script entry; requests are recorded for assertions.
 */
export async function startFakeResponsesServer(options: FakeResponsesServerOptions = {}): Promise<FakeResponsesServer> {
  const script: ScriptEntry[] = [...(options.script ?? [])];
  const requests: RecordedRequest[] = [];
  const unscripted: RecordedRequest[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<import("node:net").Socket>();

  const responsesRequests = () => requests.filter((r) => r.method === "POST" && r.path.endsWith("/responses"));

  const serve = async (entry: ScriptEntry, recorded: RecordedRequest, res: http.ServerResponse): Promise<void> => {
    if (entry.kind === "dynamic") return serve(entry.respond(recorded), recorded, res);
    if (entry.kind === "http_error") {
      res.writeHead(entry.status, entry.headers ?? {});
      res.end(entry.body);
      return;
    }
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
      ...(entry.headers ?? {}),
    });
    res.flushHeaders();
    let written = 0;
    for (const event of entry.events) {
      if (entry.gate) await entry.gate;
      if (res.destroyed) return;
      if (entry.cutAfter !== undefined && written >= entry.cutAfter) {
        res.socket?.destroy();
        return;
      }
      res.write(encodeEvent(event));
      written++;
    }
    if (entry.cutAfter !== undefined && written >= entry.cutAfter) {
      res.socket?.destroy();
      return;
    }
    if (entry.hold) {
      // Keep the stream open until the client disconnects or the server closes.
      await once(res, "close");
      return;
    }
    res.end();
  };

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const rawBody = await readBody(req);
      let body: unknown;
      try {
        body = rawBody.length > 0 ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: headerRecord(req.headers),
        rawBody,
        body,
      };
      requests.push(recorded);
      for (const wake of [...waiters]) wake();

      if (recorded.method === "GET" && url.pathname.endsWith("/models")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(options.models ?? { models: [] }));
        return;
      }
      if (recorded.method === "POST" && url.pathname.endsWith("/responses")) {
        const entry = script.shift();
        if (!entry) {
          unscripted.push(recorded);
          res.writeHead(500, { "content-type": "application/json" });
          res.end(
            JSON.stringify({
              error: { message: `fake server: no scripted response left for request #${responsesRequests().length}` },
            }),
          );
          return;
        }
        await serve(entry, recorded, res);
        return;
      }
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `fake server: no route for ${recorded.method} ${url.pathname}` } }));
    } catch (error) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    unscripted,
    responsesRequests,
    enqueue: (...entries) => {
      script.push(...entries);
    },
    remaining: () => script.length,
    waitForResponsesRequests(count, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const list = responsesRequests();
          if (list.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(list);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`fake server: expected ${count} responses requests, got ${responsesRequests().length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    configToml(opts = {}) {
      const id = opts.providerId ?? "mock";
      const retries = opts.retries ?? 0;
      const lines = [`model_provider = "${id}"`];
      if (opts.model) lines.push(`model = ${JSON.stringify(opts.model)}`);
      lines.push(
        "",
        `[model_providers.${id}]`,
        `name = "fake Responses server"`,
        `base_url = "http://127.0.0.1:${port}/v1"`,
        `wire_api = "responses"`,
        `request_max_retries = ${retries}`,
        `stream_max_retries = ${retries}`,
      );
      if (opts.envKey) lines.push(`env_key = ${JSON.stringify(opts.envKey)}`);
      return `${lines.join("\n")}\n`;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
