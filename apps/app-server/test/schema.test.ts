import { describe, expect, it } from "vitest";
import { responseSchemaName, validateServerMessage } from "./schema.js";

const noIds = () => undefined;

describe("the shared schema validator", () => {
  it("accepts well-formed messages", () => {
    expect(validateServerMessage({ method: "thread/closed", params: { threadId: "t" } }, noIds)).toEqual([]);
    expect(
      validateServerMessage({ id: 1, result: { userAgent: "a", codexHome: "/h", platformFamily: "unix", platformOs: "linux" } }, () => "initialize"),
    ).toEqual([]);
    expect(validateServerMessage({ id: 2, error: { code: -32600, message: "x" } }, noIds)).toEqual([]);
  });

  it("rejects what a Codex client would choke on", () => {
    expect(validateServerMessage({ method: "turn/completed", params: {} }, noIds)).not.toEqual([]);
    expect(validateServerMessage({ method: "no/such/notification", params: {} }, noIds)).not.toEqual([]);
    expect(validateServerMessage({ jsonrpc: "2.0", method: "thread/closed", params: { threadId: "t" } }, noIds)).toEqual([
      "Codex never writes a `jsonrpc` field",
    ]);
    expect(validateServerMessage({ id: 1, result: { data: "nope" } }, () => "thread/list")).not.toEqual([]);
    expect(validateServerMessage({ id: 3, result: {} }, noIds)).not.toEqual([]);
    expect(validateServerMessage({ id: null, error: { code: 1, message: "x" } }, noIds)).not.toEqual([]);
    expect(validateServerMessage({ id: 4, method: "item/tool/call", params: {} }, noIds)).not.toEqual([]);
    expect(validateServerMessage({ id: 5, method: "thread/start", params: {} }, noIds)).not.toEqual([]);
  });

  it("knows the response schema of each method", () => {
    expect(responseSchemaName("thread/start")).toBe("ThreadStartResponse");
    expect(responseSchemaName("thread/compact/start")).toBe("ThreadCompactStartResponse");
    expect(responseSchemaName("config/batchWrite")).toBe("ConfigWriteResponse");
    // served from @codex-ts/protocol's v2 table (no name-guessing fallback in the validator)
    expect(responseSchemaName("skills/extraRoots/set")).toBe("SkillsExtraRootsSetResponse");
    expect(responseSchemaName("skills/config/write")).toBe("SkillsConfigWriteResponse");
    expect(validateServerMessage({ id: 6, result: {} }, () => "skills/config/write")).not.toEqual([]);
    expect(validateServerMessage({ id: 7, result: { effectiveEnabled: true } }, () => "skills/config/write")).toEqual([]);
  });
});
