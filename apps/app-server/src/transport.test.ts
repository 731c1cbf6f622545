import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { streamChannel } from "./channel.js";
import { RpcError } from "./errors.js";
import { createLogger } from "./log.js";
import { JsonRpcConnection } from "./transport.js";

function harness(onRequest: (method: string, params: unknown) => Promise<unknown> | unknown) {
  const input = new PassThrough();
  const output = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  let buffer = "";
  output.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let index = buffer.indexOf("\n");
    while (index >= 0) {
      lines.push(JSON.parse(buffer.slice(0, index)) as Record<string, unknown>);
      buffer = buffer.slice(index + 1);
      index = buffer.indexOf("\n");
    }
  });
  const log = createLogger(new PassThrough(), { CODEX_TS_LOG: "off" });
  const connection = new JsonRpcConnection(
    streamChannel(input, output, log),
    { onRequest: async (request) => onRequest(request.method, request.params), onNotification: () => {} },
    log,
  );
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  return { input, lines, connection, settle };
}

describe("JsonRpcConnection", () => {
  it("answers in request order, maps thrown RpcErrors and unexpected exceptions", async () => {
    const { input, lines, connection } = harness(async (method) => {
      if (method === "slow") await new Promise((resolve) => setTimeout(resolve, 30));
      if (method === "bad") throw new RpcError(-32602, "bad params");
      if (method === "boom") throw new Error("kaboom");
      return { method };
    });
    input.write('{"id":1,"method":"slow"}\n{"id":2,"method":"fast"}\n{"id":3,"method":"bad"}\n{"id":4,"method":"boom"}\n');
    input.end();
    await connection.closed;
    await connection.drain();
    expect(lines).toEqual([
      { id: 1, result: { method: "slow" } },
      { id: 2, result: { method: "fast" } },
      { id: 3, error: { code: -32602, message: "bad params" } },
      { id: 4, error: { code: -32603, message: "kaboom" } },
    ]);
  });

  it("routes client responses to pending server requests and resolves them as closed on EOF", async () => {
    const { input, lines, connection, settle } = harness(() => ({}));
    const first = connection.sendRequest("item/tool/call", { a: 1 });
    const second = connection.sendRequest("item/tool/call", { a: 2 });
    await settle();
    expect(lines).toEqual([
      { id: 0, method: "item/tool/call", params: { a: 1 } },
      { id: 1, method: "item/tool/call", params: { a: 2 } },
    ]);
    input.write(`${JSON.stringify({ id: first.id, result: { ok: true } })}\n`);
    expect(await first.outcome).toEqual({ kind: "result", result: { ok: true } });
    input.end();
    expect(await second.outcome).toEqual({ kind: "closed" });
  });

  it("recovers the id of a truncated request for its parse error", async () => {
    const { input, lines, connection } = harness(() => ({}));
    input.write('{"id": "abc", "method": "x", "params": {\n{"id": 9,\nnot json at all\n');
    input.end();
    await connection.closed;
    await connection.drain();
    expect(lines.map((l) => [l.id, (l.error as { code: number }).code])).toEqual([
      ["abc", -32700],
      [9, -32700],
    ]);
  });
});
