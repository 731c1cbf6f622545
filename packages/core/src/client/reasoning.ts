// The `reasoning`, `include` and `text.verbosity` a request carries for a model, with Codex 0.169's
// defaults (seen against the real binary): a model of the bundled catalog gets its default effort
// and `text.verbosity: "low"`; any other model gets `summary: "auto"`. Configured values win;
// a `none` summary is not sent.
import { catalogModel } from "./catalog.js";

export interface RequestReasoning {
  reasoning: { effort?: string; summary?: string } | null;
  include: string[];
  verbosity?: "low";
}

export function requestReasoning(model: string, effort?: string, summary?: string): RequestReasoning {
  const known = catalogModel(model);
  const chosenEffort = effort ?? known?.defaultReasoningEffort;
  const chosenSummary = summary ?? (known ? undefined : "auto");
  const reasoning: { effort?: string; summary?: string } = {};
  if (chosenEffort) reasoning.effort = chosenEffort;
  if (chosenSummary && chosenSummary !== "none") reasoning.summary = chosenSummary;
  const any = Object.keys(reasoning).length > 0;
  return {
    reasoning: any ? reasoning : null,
    include: any ? ["reasoning.encrypted_content"] : [],
    ...(known ? { verbosity: "low" as const } : {}),
  };
}
