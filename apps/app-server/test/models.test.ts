import { readFileSync } from "node:fs";
import path from "node:path";
import type { v2 } from "@codex-ts/protocol";
import { describe, expect, it } from "vitest";
import { PACKAGE_DIR, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

/** Real Codex 0.169's `model/list` answer, from the methods-walk capture protocol keeps. */
function realModelList(): v2.Model[] {
  const capture = path.join(PACKAGE_DIR, "../../packages/protocol/test/fixtures/codex-0.169/app-server-methods-walk.jsonl");
  const lines = readFileSync(capture, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line).message);
  const request = lines.find((m) => m.method === "model/list");
  return lines.find((m) => m.id === request.id && m.result).result.data;
}

/** Everything but prose: descriptions and notes are our own words, the facts must be Codex's. */
function facts(model: v2.Model) {
  return {
    id: model.id,
    model: model.model,
    displayName: model.displayName,
    hidden: model.hidden,
    isDefault: model.isDefault,
    efforts: model.supportedReasoningEfforts.map((e) => e.reasoningEffort),
    defaultReasoningEffort: model.defaultReasoningEffort,
    inputModalities: model.inputModalities,
    supportsPersonality: model.supportsPersonality,
    multiAgentVersion: model.multiAgentVersion,
    modelSpecialty: model.modelSpecialty,
    additionalSpeedTiers: model.additionalSpeedTiers,
    serviceTiers: model.serviceTiers?.map((t) => [t.id, t.name]),
    defaultServiceTier: model.defaultServiceTier,
    upgrade: model.upgrade,
    upgradeModel: model.upgradeInfo?.model ?? null,
    hasNux: model.availabilityNux !== null,
  };
}

describe("model/list", () => {
  it("lists the bundled catalog with the facts real Codex 0.169 lists, in its order", async () => {
    const server = await fx.boot();
    const ours = await server.call("model/list", {});
    const real = realModelList();
    expect(real).toHaveLength(9);
    expect(ours.data.map(facts)).toEqual(real.map(facts));
    expect(ours.nextCursor).toBeNull();
    // Our own wording, never Codex's prose.
    for (const [i, model] of ours.data.entries()) {
      expect(model.description).not.toBe(real[i]!.description);
      expect(model.description.length).toBeGreaterThan(10);
    }
  });

  it("adds the hidden models on request and pages as Codex does", async () => {
    const server = await fx.boot();
    const all = await server.call("model/list", { includeHidden: true });
    expect(all.data).toHaveLength(12);
    expect(all.data.filter((m) => m.hidden).map((m) => m.id)).toEqual(["gpt-daybreak-blue-latest", "gpt-daybreak-red-latest", "codex-auto-review"]);
    expect(all.data.find((m) => m.id === "gpt-daybreak-red-latest")).toMatchObject({ modelSpecialty: "cyber", serviceTiers: [], isDefault: false });

    const first = await server.call("model/list", { limit: 2 });
    expect(first.data.map((m) => m.id)).toEqual(["gpt-6.1-sol", "gpt-6-astra"]);
    expect(first.nextCursor).toBe("2");
    const second = await server.call("model/list", { limit: 2, cursor: "2" });
    expect(second.data.map((m) => m.id)).toEqual(["gpt-6-sol", "gpt-6-luna"]);
    // A limit of 0 still returns one model; a cursor at the end returns none.
    expect((await server.call("model/list", { limit: 0 })).data).toHaveLength(1);
    expect(await server.call("model/list", { cursor: "9" })).toEqual({ data: [], nextCursor: null });
  });

  it("refuses a bad cursor or an unconfigured provider with Codex's errors", async () => {
    const server = await fx.boot();
    const bad = await server.request("model/list", { cursor: "abc" });
    expect(bad.error).toMatchObject({ code: -32600, message: "invalid cursor: abc" });
    const past = await server.request("model/list", { cursor: "100" });
    expect(past.error).toMatchObject({ code: -32600, message: "cursor 100 exceeds total models 9" });
    const provider = await server.request("model/list", { modelProvider: "nope" });
    expect(provider.error).toMatchObject({ code: -32600, data: { type: "modelProviderNotConfigured", modelProvider: "nope" } });
    expect((await server.call("model/list", { modelProvider: "openai" })).data).toHaveLength(9);
  });
});
