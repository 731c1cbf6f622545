/**
 * The `service_tier` a request carries, as real Codex 0.169 sends it: `fast` is the speed tier's
 * alias for `priority`; `priority` is sent only to models whose catalog entry offers it (unknown
 * models get none); any other tier (`flex`, …) is passed on as given.
 */
import { modelOffersPriorityTier } from "./catalog.js";

/** The effective tier for `model`, or undefined when the request carries none. */
export function effectiveServiceTier(tier: string | undefined | null, model: string): string | undefined {
  if (!tier) return undefined;
  const normalized = tier === "fast" ? "priority" : tier;
  if (normalized === "priority" && !modelOffersPriorityTier(model)) return undefined;
  return normalized;
}
