import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { commonInitializeParams } from "./handshake.js";
import { InitializeParams } from "./wire.js";

// Values a client might put anywhere in initialize params, well-formed or not.
const anyValue = fc.oneof(
  fc.string(),
  fc.boolean(),
  fc.integer(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);
const clientInfo = fc.record(
  {
    name: fc.oneof(fc.string(), anyValue),
    version: fc.oneof(fc.string(), anyValue),
    title: anyValue,
    extra: anyValue,
  },
  { requiredKeys: [] },
);
const capabilities = fc.record(
  {
    experimentalApi: fc.oneof(fc.boolean(), anyValue),
    optOutNotificationMethods: fc.oneof(fc.array(fc.string(), { maxLength: 3 }), anyValue),
    requestAttestation: fc.oneof(fc.boolean(), anyValue),
    extensions: anyValue,
    unknownFlag: anyValue,
  },
  { requiredKeys: [] },
);
// Params in the shape IDE clients send (the common case), with optional parts left out or null.
const wellFormed = fc.record(
  {
    clientInfo: fc.record(
      { name: fc.string(), version: fc.string(), title: fc.option(fc.string(), { nil: null }) },
      { requiredKeys: ["name", "version"] },
    ),
    capabilities: fc.option(
      fc.record(
        {
          experimentalApi: fc.option(fc.boolean(), { nil: null }),
          optOutNotificationMethods: fc.array(fc.string(), { maxLength: 3 }),
          requiredHumanApproval: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
      { nil: null },
    ),
  },
  { requiredKeys: ["clientInfo"] },
);
const params = fc.oneof(
  wellFormed,
  anyValue,
  fc.record(
    { clientInfo: fc.oneof(clientInfo, anyValue), capabilities: fc.oneof(capabilities, anyValue) },
    { requiredKeys: [] },
  ),
  fc.record({ clientInfo, capabilities, other: anyValue }, { requiredKeys: ["clientInfo"] }),
);

describe("commonInitializeParams (the early handshake's check)", () => {
  it("accepts only what the protocol schema accepts, with the same client info", () => {
    let accepted = 0;
    fc.assert(
      fc.property(params, (p) => {
        const early = commonInitializeParams(p);
        if (early === undefined) return;
        accepted++;
        const parsed = InitializeParams.safeParse(p);
        expect(parsed.success).toBe(true);
        expect({ name: parsed.data?.clientInfo.name, version: parsed.data?.clientInfo.version }).toEqual(
          early,
        );
      }),
      { numRuns: 5_000 },
    );
    expect(accepted).toBeGreaterThan(50);
  });

  it("accepts what IDE clients send and leaves the rest to the server", () => {
    expect(
      commonInitializeParams({
        clientInfo: { name: "vscode", title: "VS Code", version: "1.2.3" },
        capabilities: { experimentalApi: true, optOutNotificationMethods: ["thread/started"] },
      }),
    ).toEqual({ name: "vscode", version: "1.2.3" });
    expect(commonInitializeParams({ clientInfo: { name: "x", version: "1" }, capabilities: null })).toEqual({
      name: "x",
      version: "1",
    });
    expect(commonInitializeParams({ clientInfo: { name: "x" } })).toBeUndefined();
    expect(
      commonInitializeParams({ clientInfo: { name: "x", version: "1" }, capabilities: { extensions: {} } }),
    ).toBeUndefined();
    expect(
      commonInitializeParams({
        clientInfo: { name: "x", version: "1" },
        capabilities: { experimentalApi: "yes" },
      }),
    ).toBeUndefined();
    expect(
      commonInitializeParams(Object.create({ clientInfo: { name: "x", version: "1" } })),
    ).toBeUndefined();
  });
});
