// A fake Responses server for tests where several threads talk to the model at once (a parent and
// its sub-agents): every request is answered by `route`, which reads its headers and content, over
// real HTTP/SSE. Plus the small readers such routes use (sub-agent requests, tool outputs, the
// last user text) and the `multi_agent_v1` function call item.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { encodeEvent, type ItemSpec, responseEvents, sse } from "./sse.js";

/** A request as a route sees it: lower-cased header names, the parsed JSON body. */
export interface ModelRequest {
  headers: Record<string, string>;
  body: any;
}

export interface RoutingModel {
  /** The base URL (`…/v1`) a provider points at. */
  url: string;
  /** Every POST, in arrival order. */
  requests: ModelRequest[];
  /** A `[model_providers.*]`-shaped provider for `url` (env key `FAKE_KEY`, no retries). */
  provider: {
    name: string;
    base_url: string;
    wire_api: "responses";
    env_key: string;
    request_max_retries: number;
    stream_max_retries: number;
  };
  close(): Promise<void>;
}

/**
 * Starts the server. `route` returns the output items of the response; it may wait (to hold a
 * thread busy) or throw (answered as a 500 with the error's text). A GET answers an empty model list.
 */
export async function startRoutingModel(
  route: (request: ModelRequest) => ItemSpec[] | Promise<ItemSpec[]>,
): Promise<RoutingModel> {
  const requests: ModelRequest[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    if (req.method !== "POST") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"models":[]}');
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    const request = { headers, body: JSON.parse(raw) };
    requests.push(request);
    let items: ItemSpec[];
    try {
      items = await route(request);
    } catch (error) {
      res.writeHead(500).end(String(error));
      return;
    }
    if (res.destroyed) return;
    res.writeHead(200, { "content-type": "text/event-stream" });
    for (const event of responseEvents(items)) res.write(encodeEvent(event));
    res.end();
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return {
    url,
    requests,
    provider: {
      name: "routing",
      base_url: url,
      wire_api: "responses",
      env_key: "FAKE_KEY",
      request_max_retries: 0,
      stream_max_retries: 0,
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Whether a request comes from a sub-agent (it names its parent thread, as Codex does). */
export const isSubagentRequest = (request: { headers: Record<string, string | undefined> }): boolean =>
  request.headers["x-codex-parent-thread-id"] !== undefined;

/** The outputs of the function calls in a request's input, by call id (non-text outputs as JSON). */
export function callOutputs(request: { body: any }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (request.body?.input ?? []) as any[])
    if (item.type === "function_call_output" && item.call_id)
      out[item.call_id] = typeof item.output === "string" ? item.output : JSON.stringify(item.output);
  return out;
}

/** The text of a request's last user message. */
export function lastUserText(request: { body: any }): string {
  const users = ((request.body?.input ?? []) as any[]).filter((i) => i.type === "message" && i.role === "user");
  return (
    users
      .at(-1)
      ?.content?.map((c: any) => c.text ?? "")
      .join("") ?? ""
  );
}

/** A `multi_agent_v1` function call item (`spawn_agent`, `wait_agent`, `send_input`, …). */
export const agentCall = (name: string, args: unknown, callId: string): ItemSpec =>
  sse.item({
    type: "function_call",
    id: `fc_${callId}`,
    call_id: callId,
    namespace: "multi_agent_v1",
    name,
    arguments: JSON.stringify(args),
  });
