import { describe, expect, it } from "vitest";
import { DEFAULT_MODEL } from "../config/load.js";
import { knownContextWindow } from "../session/state.js";
import {
  MODEL_CATALOG,
  catalogModel,
  listedModels,
  modelCatalogJson,
  modelOffersPriorityTier,
  modelSupportsOriginalImageDetail,
} from "./catalog.js";

describe("bundled model catalog", () => {
  it("lists Codex 0.169's nine picker models in its priority order, the first being the default", () => {
    expect(listedModels().map((m) => m.slug)).toEqual([
      "gpt-6.1-sol",
      "gpt-6-astra",
      "gpt-6-sol",
      "gpt-6-luna",
      "gpt-5.6-sol",
      "gpt-6.1-terra",
      "gpt-5.6-terra",
      "gpt-5.6-luna",
      "gpt-5.5",
    ]);
    expect(DEFAULT_MODEL).toBe("gpt-6.1-sol");
  });

  it("adds the three hidden models only when asked, still in priority order", () => {
    const all = listedModels({ includeHidden: true });
    expect(all).toHaveLength(12);
    expect(all.filter((m) => m.visibility === "hide").map((m) => m.slug)).toEqual([
      "gpt-daybreak-blue-latest",
      "gpt-daybreak-red-latest",
      "codex-auto-review",
    ]);
    const priorities = all.map((m) => m.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
    expect(new Set(MODEL_CATALOG.map((m) => m.slug)).size).toBe(MODEL_CATALOG.length);
  });

  it("carries the facts sessions read: context window, efforts, tiers, upgrades", () => {
    expect(knownContextWindow("gpt-6.1-terra")).toBe(500_000);
    expect(knownContextWindow("gpt-daybreak-red-latest")).toBe(372_000);
    expect(knownContextWindow("gpt-6-sol")).toBe(272_000);
    // Not in the catalog: the family guess still answers, an unknown name gets nothing.
    expect(knownContextWindow("gpt-4.1-mini")).toBe(1_047_576);
    expect(knownContextWindow("my-local-model")).toBeUndefined();

    expect(catalogModel("gpt-5.5")?.reasoningEfforts).toEqual(["low", "medium", "high", "xhigh"]);
    expect(catalogModel("gpt-6.1-sol")?.reasoningEfforts.at(-1)).toBe("ultra");
    expect(catalogModel("gpt-6-luna")?.defaultServiceTier).toBe("priority");
    expect(catalogModel("gpt-5.6-luna")?.upgrade?.model).toBe("gpt-6-luna");
    expect(catalogModel("gpt-6.1-sol")?.upgrade).toBeNull();

    expect(modelOffersPriorityTier("gpt-6-astra")).toBe(true);
    expect(modelOffersPriorityTier("gpt-daybreak-blue-latest")).toBe(false);
    expect(modelOffersPriorityTier("gpt-test")).toBe(false);
    expect(modelSupportsOriginalImageDetail("gpt-daybreak-red-latest")).toBe(true);
    expect(modelSupportsOriginalImageDetail("gpt-test")).toBe(false);
  });

  it("renders as Codex's models.json shape for `debug models`", () => {
    const json = modelCatalogJson();
    expect(json.models).toHaveLength(12);
    const terra = json.models.find((m) => m.slug === "gpt-6.1-terra");
    expect(terra).toMatchObject({ display_name: "GPT-6.1 Terra", context_window: 500_000, visibility: "list", priority: 7 });
    expect(((terra?.supported_reasoning_levels ?? []) as { effort: string }[]).map((l) => l.effort)).toContain("ultra");
  });
});
