import { describe, expect, it } from "vitest";
import { createOfficialSchemaValidator } from "./conformance.js";

const validator = createOfficialSchemaValidator();

describe("createOfficialSchemaValidator", () => {
  it("accepts a valid notification and rejects a broken one, naming the path", () => {
    const ok = validator.validateMessage({
      method: "item/agentMessage/delta",
      params: { threadId: "t", turnId: "u", itemId: "i", delta: "hi" },
    });
    expect(ok).toEqual({ valid: true, definition: "ServerNotification" });
    const bad = validator.validateMessage({
      method: "item/agentMessage/delta",
      params: { threadId: "t", turnId: "u", itemId: "i", delta: 5 },
    });
    expect(bad.valid).toBe(false);
    if (!bad.valid) expect(bad.errors).toContain("/params/delta");
  });

  it("checks responses by the method they answer", () => {
    expect(
      validator.validateMessage(
        { id: 1, result: { status: "unsubscribed" } },
        { responseTo: "thread/unsubscribe" },
      ),
    ).toEqual({
      valid: true,
      definition: "ThreadUnsubscribeResponse",
    });
    const bad = validator.validateMessage(
      { id: 1, result: { status: "gone" } },
      { responseTo: "thread/unsubscribe" },
    );
    expect(bad.valid).toBe(false);
    expect(validator.validateMessage({ id: 1, result: {} }).valid).toBe(false);
    const initialize = validator.validateMessage(
      { id: 0, result: { userAgent: "x" } },
      { responseTo: "initialize" },
    );
    expect(initialize).toMatchObject({ valid: false, definition: "InitializeResponse" });
  });

  it("checks responses to methods our tables do not cover by the official XParams/XResponse pairing", () => {
    expect(
      validator.validateMessage({ id: 2, result: { requirements: null } }, { responseTo: "configRequirements/read" }),
    ).toEqual({ valid: true, definition: "ConfigRequirementsReadResponse" });
    expect(
      validator.validateMessage({ id: 2, result: { requirements: 5 } }, { responseTo: "configRequirements/read" }),
    ).toMatchObject({ valid: false, definition: "ConfigRequirementsReadResponse" });
    expect(validator.validateMessage({ id: 2, result: {} }, { responseTo: "account/logout" })).toEqual({
      valid: true,
      definition: "LogoutAccountResponse",
    });
    expect(validator.validateMessage({ id: 2, result: {} }, { responseTo: "no/such/method" })).toMatchObject({
      valid: true,
      definition: null,
    });
  });

  it("checks requests in both directions and errors", () => {
    expect(
      validator.validateMessage({ id: 3, method: "thread/read", params: { threadId: "t" } }),
    ).toMatchObject({
      valid: true,
      definition: "ClientRequest",
    });
    expect(
      validator.validateMessage({ id: 3, method: "item/tool/call", params: { threadId: "t" } }),
    ).toMatchObject({ valid: false, definition: "ServerRequest" });
    expect(validator.validateMessage({ id: 3, error: { code: -32600, message: "bad" } })).toMatchObject({
      valid: true,
    });
    expect(validator.validateMessage({ method: "initialized" })).toMatchObject({
      valid: true,
      definition: "ClientNotification",
    });
    expect(validator.validateMessage("nope")).toMatchObject({ valid: false });
  });

  it("reports (not fails) definitions the official schema lacks", () => {
    expect(validator.validateDefinition("NoSuchThing", {})).toMatchObject({ valid: true, definition: null });
  });
});
