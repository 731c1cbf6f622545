/**
 * The `service_tier` a request carries, as real Codex 0.169 sends it: `fast` is the speed tier's
 * alias for `priority`; `priority` is sent only to models whose catalog entry offers it (unknown
 * models get none); any other tier (`flex`, …) is passed on as given.
 */

/** Models of Codex 0.169's bundled catalog that list the `priority` service tier. */
const PRIORITY_TIER_MODELS = new Set([
  "gpt-5.5",
  "gpt-5.6-sol",
  "gpt-5.6-terra",
  "gpt-5.6-luna",
  "gpt-6-sol",
  "gpt-6-luna",
  "gpt-6-astra",
  "gpt-6.1-sol",
  "gpt-6.1-terra",
  "codex-auto-review",
]);

/** The effective tier for `model`, or undefined when the request carries none. */
export function effectiveServiceTier(tier: string | undefined | null, model: string): string | undefined {
  if (!tier) return undefined;
  const normalized = tier === "fast" ? "priority" : tier;
  if (normalized === "priority" && !PRIORITY_TIER_MODELS.has(model)) return undefined;
  return normalized;
}
