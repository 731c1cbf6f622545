/**
 * The bundled model catalog: the models Codex 0.169 ships with (slugs, display names, context
 * windows, reasoning efforts, modalities, service tiers, visibility, upgrade paths), in Codex's
 * priority order. The facts are Codex's; every description here is our own wording.
 *
 * One catalog serves every reader: the app-server's `model/list`, the default model, the context
 * window a session assumes, the priority tier and view_image's detail. A model not listed gets
 * Codex's fallback metadata (no priority tier, images at `detail: "high"` after the legacy resize).
 */

export type CatalogReasoningEffort = "low" | "medium" | "high" | "xhigh" | "max" | "ultra";

export interface CatalogServiceTier {
  id: string;
  name: string;
  description: string;
}

export interface CatalogModel {
  slug: string;
  displayName: string;
  description: string;
  /** Lower sorts first; the first listed model is the default. */
  priority: number;
  /** `hide`: only listed when a client asks for hidden models. */
  visibility: "list" | "hide";
  contextWindow: number;
  maxContextWindow: number;
  defaultReasoningEffort: CatalogReasoningEffort;
  reasoningEfforts: readonly CatalogReasoningEffort[];
  inputModalities: readonly ("text" | "image")[];
  multiAgentVersion: "v1" | "v2" | null;
  modelSpecialty: "cyber" | null;
  serviceTiers: readonly CatalogServiceTier[];
  defaultServiceTier: string | null;
  additionalSpeedTiers: readonly string[];
  /** The model a client should suggest instead, with a short note on why. */
  upgrade: { model: string; migrationMarkdown: string } | null;
  /** A one-line note a client may show when the model becomes available. */
  availabilityNux: string | null;
  /** `supports_image_detail_original`: view_image sends the original bytes with `detail: "original"`. */
  imageDetailOriginal: boolean;
}

/** What each reasoning effort means, in our words. */
export const REASONING_EFFORT_DESCRIPTIONS: Readonly<Record<CatalogReasoningEffort, string>> = {
  low: "Quick answers with light reasoning",
  medium: "A balance of speed and depth for most tasks",
  high: "Deeper reasoning for harder problems",
  xhigh: "Very deep reasoning for hard, multi-step problems",
  max: "The deepest reasoning, for the hardest problems",
  ultra: "The deepest reasoning, delegating parts of the task automatically",
};

const UP_TO_XHIGH: readonly CatalogReasoningEffort[] = ["low", "medium", "high", "xhigh"];
const UP_TO_MAX: readonly CatalogReasoningEffort[] = [...UP_TO_XHIGH, "max"];
const UP_TO_ULTRA: readonly CatalogReasoningEffort[] = [...UP_TO_MAX, "ultra"];

const fastTier = (speed: string): CatalogServiceTier[] => [{ id: "priority", name: "Fast", description: speed }];
const FAST_2X = fastTier("2x speed, uses more of your limits");
const FAST_15X = fastTier("1.5x speed");
const FAST_15X_MORE = fastTier("1.5x speed, uses more of your limits");

const TO_GPT6_SOL = {
  model: "gpt-6-sol",
  migrationMarkdown: "Try GPT-6 Sol\n\nThe newer Sol reasons better and uses fewer tokens for the same work.\n",
};
const TO_GPT6_LUNA = {
  model: "gpt-6-luna",
  migrationMarkdown: "Try GPT-6 Luna\n\nThe newer Luna is faster and lighter on your limits for everyday tasks.\n",
};

/** The fields most entries share; each entry states what differs. */
const BASE = {
  visibility: "list",
  contextWindow: 272_000,
  maxContextWindow: 872_000,
  reasoningEfforts: UP_TO_ULTRA,
  inputModalities: ["text", "image"],
  multiAgentVersion: "v2",
  modelSpecialty: null,
  serviceTiers: FAST_15X_MORE,
  defaultServiceTier: null,
  additionalSpeedTiers: ["fast"],
  upgrade: null,
  availabilityNux: null,
  imageDetailOriginal: true,
} as const satisfies Partial<CatalogModel>;

/** Codex 0.169's bundled models, in its priority order. */
export const MODEL_CATALOG: readonly CatalogModel[] = [
  {
    ...BASE,
    slug: "gpt-6.1-sol",
    displayName: "GPT-6.1-Sol",
    description: "The newest everyday model for coding and general work.",
    priority: 1,
    defaultReasoningEffort: "low",
    serviceTiers: FAST_2X,
    availabilityNux: "GPT-6.1 Sol is here: near-Astra results on hard work, for less of your limits.",
  },
  {
    ...BASE,
    slug: "gpt-6-astra",
    displayName: "GPT-6-Astra",
    description: "The most capable model, for the hardest work.",
    priority: 2,
    defaultReasoningEffort: "low",
    serviceTiers: FAST_2X,
  },
  {
    ...BASE,
    slug: "gpt-6-sol",
    displayName: "GPT-6-Sol",
    description: "The previous everyday model.",
    priority: 3,
    defaultReasoningEffort: "medium",
    serviceTiers: FAST_15X,
    defaultServiceTier: "priority",
  },
  {
    ...BASE,
    slug: "gpt-6-luna",
    displayName: "GPT-6-Luna",
    description: "A quick, low-cost model for simpler tasks.",
    priority: 4,
    defaultReasoningEffort: "medium",
    reasoningEfforts: UP_TO_MAX,
    serviceTiers: FAST_15X,
    defaultServiceTier: "priority",
  },
  {
    ...BASE,
    slug: "gpt-5.6-sol",
    displayName: "GPT-5.6-Sol",
    description: "An earlier everyday model.",
    priority: 5,
    defaultReasoningEffort: "low",
    upgrade: TO_GPT6_SOL,
  },
  {
    ...BASE,
    slug: "gpt-6.1-terra",
    displayName: "GPT-6.1 Terra",
    description: "The GPT-6.1 Terra model for Codex, with a larger context window.",
    priority: 7,
    contextWindow: 500_000,
    defaultReasoningEffort: "low",
    serviceTiers: FAST_15X,
  },
  {
    ...BASE,
    slug: "gpt-5.6-terra",
    displayName: "GPT-5.6-Terra",
    description: "An earlier balanced model for plain tasks.",
    priority: 8,
    defaultReasoningEffort: "medium",
    upgrade: TO_GPT6_SOL,
  },
  {
    ...BASE,
    slug: "gpt-5.6-luna",
    displayName: "GPT-5.6-Luna",
    description: "An earlier quick and economical model.",
    priority: 9,
    defaultReasoningEffort: "medium",
    reasoningEfforts: UP_TO_MAX,
    multiAgentVersion: "v1",
    upgrade: TO_GPT6_LUNA,
  },
  {
    ...BASE,
    slug: "gpt-daybreak-blue-latest",
    displayName: "Daybreak Blue",
    description: "A frontier coding model for defensive security work.",
    priority: 11,
    visibility: "hide",
    defaultReasoningEffort: "low",
    modelSpecialty: "cyber",
    serviceTiers: [],
    additionalSpeedTiers: [],
  },
  {
    ...BASE,
    slug: "gpt-daybreak-red-latest",
    displayName: "Daybreak Red",
    description: "A frontier coding model for authorized offensive security research.",
    priority: 12,
    visibility: "hide",
    contextWindow: 372_000,
    maxContextWindow: 372_000,
    defaultReasoningEffort: "medium",
    modelSpecialty: "cyber",
    serviceTiers: [],
    additionalSpeedTiers: [],
  },
  {
    ...BASE,
    slug: "gpt-5.5",
    displayName: "GPT-5.5",
    description: "An older coding model.",
    priority: 13,
    maxContextWindow: 272_000,
    defaultReasoningEffort: "medium",
    reasoningEfforts: UP_TO_XHIGH,
    multiAgentVersion: null,
    upgrade: TO_GPT6_SOL,
  },
  {
    ...BASE,
    slug: "codex-auto-review",
    displayName: "Codex Auto Review",
    description: "The model that reviews approval requests automatically.",
    priority: 43,
    visibility: "hide",
    defaultReasoningEffort: "medium",
    reasoningEfforts: UP_TO_MAX,
    multiAgentVersion: "v1",
  },
];

const BY_SLUG: ReadonlyMap<string, CatalogModel> = new Map(MODEL_CATALOG.map((model) => [model.slug, model]));

/** The catalog entry of `slug`, if the bundled catalog knows it. */
export function catalogModel(slug: string): CatalogModel | undefined {
  return BY_SLUG.get(slug);
}

/** The models a picker shows, in priority order; hidden ones only when asked for. */
export function listedModels(options: { includeHidden?: boolean } = {}): CatalogModel[] {
  return MODEL_CATALOG.filter((model) => options.includeHidden === true || model.visibility === "list").sort(
    (a, b) => a.priority - b.priority,
  );
}

/** The default model: the first listed one (Codex 0.169: gpt-6.1-sol). */
export const DEFAULT_CATALOG_MODEL: string = listedModels()[0]?.slug ?? "gpt-6.1-sol";

export function modelOffersPriorityTier(model: string): boolean {
  return BY_SLUG.get(model)?.serviceTiers.some((tier) => tier.id === "priority") === true;
}

export function modelSupportsOriginalImageDetail(model: string): boolean {
  return BY_SLUG.get(model)?.imageDetailOriginal === true;
}

/** The catalog's context window of `model`, if it is a bundled model. */
export function catalogContextWindow(model: string): number | undefined {
  return BY_SLUG.get(model)?.contextWindow;
}

/**
 * The catalog in the shape of Codex's models.json (`codex debug models --bundled` prints that file):
 * snake_case keys, the fields our catalog holds.
 */
export function modelCatalogJson(): { models: Record<string, unknown>[] } {
  return {
    models: MODEL_CATALOG.map((m) => ({
      slug: m.slug,
      display_name: m.displayName,
      description: m.description,
      default_reasoning_level: m.defaultReasoningEffort,
      supported_reasoning_levels: m.reasoningEfforts.map((effort) => ({
        effort,
        description: REASONING_EFFORT_DESCRIPTIONS[effort],
      })),
      visibility: m.visibility,
      priority: m.priority,
      context_window: m.contextWindow,
      max_context_window: m.maxContextWindow,
      input_modalities: m.inputModalities,
      multi_agent_version: m.multiAgentVersion,
      model_specialty: m.modelSpecialty,
      supports_image_detail_original: m.imageDetailOriginal,
      service_tiers: m.serviceTiers,
      default_service_tier: m.defaultServiceTier,
      additional_speed_tiers: m.additionalSpeedTiers,
      upgrade: m.upgrade ? { model: m.upgrade.model, migration_markdown: m.upgrade.migrationMarkdown } : null,
      availability_nux: m.availabilityNux ? { message: m.availabilityNux } : null,
    })),
  };
}
