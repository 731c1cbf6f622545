import { describe, expect, it } from "vitest";
import { classifyMessage, describeZodError, JSONRPCMessage, JSONRPCRequest } from "@codex-ts/protocol";

describe("JSON-RPC framing", () => {
  it("accepts requests without the jsonrpc field", () => {
    expect(classifyMessage({ id: 1, method: "initialize", params: {} })).toMatchObject({ kind: "request" });
    expect(classifyMessage({ id: "a", method: "x" })).toMatchObject({ kind: "request" });
  });

  it("sorts notifications, responses and errors", () => {
    expect(classifyMessage({ method: "initialized" }).kind).toBe("notification");
    expect(classifyMessage({ id: 3, result: {} }).kind).toBe("response");
    expect(classifyMessage({ id: 3, error: { code: -32600, message: "bad" } }).kind).toBe("error");
  });

  it("rejects non-objects and shapeless objects with a reason", () => {
    for (const value of [null, 3, "x", [], {}, { id: 1 }]) {
      const result = classifyMessage(value);
      expect(result.kind).toBe("invalid");
    }
  });

  it("names the failing path", () => {
    const result = JSONRPCRequest.safeParse({ id: 1.5, method: 7 });
    expect(result.success).toBe(false);
    if (!result.success) {
      const text = describeZodError(result.error);
      expect(text).toContain("id:");
      expect(text).toContain("method:");
    }
  });

  it("parses every message kind through the union", () => {
    expect(JSONRPCMessage.safeParse({ jsonrpc: "2.0", id: 0, result: null }).success).toBe(true);
    expect(JSONRPCMessage.safeParse({ jsonrpc: "1.0", id: 0, result: null }).success).toBe(false);
  });
});
