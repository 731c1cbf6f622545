import { describe, expect, it } from "vitest";
import { requestReasoning } from "./reasoning.js";

describe("requestReasoning (Codex 0.169's defaults)", () => {
  it("a model outside the catalog: summary auto, encrypted reasoning included, no verbosity", () => {
    expect(requestReasoning("gpt-test")).toEqual({ reasoning: { summary: "auto" }, include: ["reasoning.encrypted_content"] });
    expect(requestReasoning("gpt-test", "high", "detailed").reasoning).toEqual({ effort: "high", summary: "detailed" });
    expect(requestReasoning("gpt-test", undefined, "none")).toEqual({ reasoning: null, include: [] });
  });

  it("a catalog model: its default effort and low verbosity; a configured effort or summary wins", () => {
    expect(requestReasoning("gpt-5.5")).toEqual({ reasoning: { effort: "medium" }, include: ["reasoning.encrypted_content"], verbosity: "low" });
    expect(requestReasoning("gpt-6.1-sol").reasoning).toEqual({ effort: "low" });
    expect(requestReasoning("gpt-5.5", "xhigh", "concise").reasoning).toEqual({ effort: "xhigh", summary: "concise" });
  });
});
