// Method: model/list — the bundled model catalog (core's MODEL_CATALOG) as v2 `Model`s, paged as Codex pages it.
import { type CatalogModel, REASONING_EFFORT_DESCRIPTIONS, listedModels } from "@codex-ts/core";
import { v2 } from "@codex-ts/protocol";
import { loadEffectiveConfig } from "../config.js";
import { invalidRequest } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { type MethodSpec, method } from "../server.js";

/** One catalog entry as the v2 `Model` a client reads; `isDefault` marks the catalog's first listed model. */
export function toWireModel(model: CatalogModel, isDefault: boolean): v2.Model {
  return {
    id: model.slug,
    model: model.slug,
    displayName: model.displayName,
    description: model.description,
    hidden: model.visibility === "hide",
    isDefault,
    defaultReasoningEffort: model.defaultReasoningEffort,
    supportedReasoningEfforts: model.reasoningEfforts.map((effort) => ({
      reasoningEffort: effort,
      description: REASONING_EFFORT_DESCRIPTIONS[effort],
    })),
    inputModalities: [...model.inputModalities],
    supportsPersonality: false,
    additionalSpeedTiers: [...model.additionalSpeedTiers],
    serviceTiers: model.serviceTiers.map((tier) => ({ ...tier })),
    defaultServiceTier: model.defaultServiceTier,
    modelSpecialty: model.modelSpecialty,
    upgrade: model.upgrade?.model ?? null,
    upgradeInfo: model.upgrade
      ? { model: model.upgrade.model, upgradeCopy: null, modelLink: null, migrationMarkdown: model.upgrade.migrationMarkdown, retirementAt: null }
      : null,
    availabilityNux: model.availabilityNux === null ? null : { message: model.availabilityNux },
    availableAccessPrograms: null,
    multiAgentVersion: model.multiAgentVersion,
  };
}

/** Codex's paging: the cursor is the index of the next model; a limit of 0 still returns one. */
function page<T>(items: readonly T[], cursor: string | null | undefined, limit: number | null | undefined): { data: T[]; nextCursor: string | null } {
  let start = 0;
  if (cursor !== undefined && cursor !== null) {
    start = /^\d+$/.test(cursor) ? Number(cursor) : Number.NaN;
    if (!Number.isSafeInteger(start)) throw invalidRequest(`invalid cursor: ${cursor}`);
    if (start > items.length) throw invalidRequest(`cursor ${start} exceeds total models ${items.length}`);
  }
  const end = limit === undefined || limit === null ? items.length : Math.min(items.length, start + Math.max(1, limit));
  return { data: items.slice(start, end), nextCursor: end < items.length ? String(end) : null };
}

/** [method name, spec] pairs, registered by buildMethods (methods/index.ts). */
export function modelMethods(runtime: Runtime): Array<[string, MethodSpec]> {
  return [
    [
      "model/list",
      method({
        params: v2.ModelListParams,
        handler: (p) => {
          if (p.modelProvider) {
            const { config } = loadEffectiveConfig({ codexHome: runtime.codexHome, env: runtime.env });
            if (!(p.modelProvider in config.modelProviders)) {
              throw invalidRequest(
                `This chat uses model provider “${p.modelProvider}”, which is no longer configured. Restore this provider’s configuration to continue.`,
                { type: "modelProviderNotConfigured", modelProvider: p.modelProvider },
              );
            }
          }
          const models = listedModels({ includeHidden: p.includeHidden === true });
          const defaultSlug = listedModels()[0]?.slug;
          return page(
            models.map((model) => toWireModel(model, model.slug === defaultSlug)),
            p.cursor,
            p.limit,
          );
        },
      }),
    ],
  ];
}
