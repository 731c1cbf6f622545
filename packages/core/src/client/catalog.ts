/**
 * What Codex 0.169's bundled model catalog says about the models it knows, for the few request
 * decisions that depend on it. A model not listed gets Codex's fallback metadata (no priority
 * tier, images at `detail: "high"` after the legacy resize).
 */

interface CatalogFacts {
  /** Lists the `priority` service tier. */
  priorityTier: boolean;
  /** `supports_image_detail_original`: view_image sends the original bytes with `detail: "original"`. */
  imageDetailOriginal: boolean;
}

const ALL: CatalogFacts = { priorityTier: true, imageDetailOriginal: true };

const CATALOG: ReadonlyMap<string, CatalogFacts> = new Map([
  ["gpt-5.5", ALL],
  ["gpt-5.6-sol", ALL],
  ["gpt-5.6-terra", ALL],
  ["gpt-5.6-luna", ALL],
  ["gpt-6-sol", ALL],
  ["gpt-6-luna", ALL],
  ["gpt-6-astra", ALL],
  ["gpt-6.1-sol", ALL],
  ["gpt-6.1-terra", ALL],
  ["codex-auto-review", ALL],
  ["gpt-daybreak-blue-latest", { priorityTier: false, imageDetailOriginal: true }],
  ["gpt-daybreak-red-latest", { priorityTier: false, imageDetailOriginal: true }],
]);

export function modelOffersPriorityTier(model: string): boolean {
  return CATALOG.get(model)?.priorityTier === true;
}

export function modelSupportsOriginalImageDetail(model: string): boolean {
  return CATALOG.get(model)?.imageDetailOriginal === true;
}
