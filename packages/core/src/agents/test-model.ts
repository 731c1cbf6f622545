// A fake Responses server for tests where several threads talk to the model at once: every
// request is answered by `route` (by its headers and content), over real HTTP/SSE. Test-only.
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { encodeEvent, type ItemSpec, responseEvents, sse } from "@codex-ts/test-support";
import { afterEach, beforeEach } from "vitest";
import type { ModelProviderInfo } from "../client/provider.js";
import type { SessionOptions } from "../session/options.js";
import { type Harness, startSession } from "../session/test-harness.js";
import { agentsConfigFromToml } from "./config.js";
import { multiAgentTools } from "./index.js";

export interface ModelRequest {
  headers: Record<string, string>;
  body: any;
}

export interface RoutingModel {
  url: string;
  requests: ModelRequest[];
  provider: ModelProviderInfo;
  close(): Promise<void>;
}

/** `route` returns the output items of the response (it may wait, e.g. to hold a child busy). */
export async function startRoutingModel(
  route: (request: ModelRequest) => ItemSpec[] | Promise<ItemSpec[]>,
): Promise<RoutingModel> {
  const requests: ModelRequest[] = [];
  const sockets = new Set<import("node:net").Socket>();
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
    } as ModelProviderInfo,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The text of a request's last user message. */
export function lastUserText(body: any): string {
  const users = (body.input as any[]).filter((i) => i.type === "message" && i.role === "user");
  return (
    users
      .at(-1)
      ?.content?.map((c: any) => c.text ?? "")
      .join("") ?? ""
  );
}

/** Outputs of the function calls in a request, by call id. */
export function callOutputs(body: any): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of body.input as any[])
    if (i.type === "function_call_output")
      out[i.call_id] = typeof i.output === "string" ? i.output : JSON.stringify(i.output);
  return out;
}

/** A `multi_agent_v1` function call item. */
export const agentCall = (name: string, args: unknown, callId: string): ItemSpec =>
  sse.item({
    type: "function_call",
    id: `fc_${callId}`,
    call_id: callId,
    namespace: "multi_agent_v1",
    name,
    arguments: JSON.stringify(args),
  });
/** Whether a request comes from a sub-agent. */
export const isChild = (r: ModelRequest) => r.headers["x-codex-parent-thread-id"] !== undefined;
export const json = (text: string | undefined) => JSON.parse(text ?? "null");

/** Per test: a temp dir, a routing model and a parent session with the sub-agent tools; all cleaned up after. */
export function useAgentTree() {
  let model: RoutingModel | undefined;
  let dir = "";
  let harness: Harness | undefined;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), "codex-agents-")));
  });
  afterEach(async () => {
    await harness?.session.shutdown();
    harness = undefined;
    await model?.close();
    model = undefined;
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    model: () => model!,
    async start(
      route: (r: ModelRequest) => ItemSpec[] | Promise<ItemSpec[]>,
      agentsToml?: unknown,
      extra: Partial<SessionOptions> = {},
    ): Promise<Harness> {
      model = await startRoutingModel(route);
      harness = startSession(model as never, dir, {
        provider: model.provider,
        toolProviders: [multiAgentTools(agentsConfigFromToml(agentsToml).config)],
        ...extra,
      });
      return harness;
    },
  };
}
