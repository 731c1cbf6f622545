export { authFilePath, removeStoredAuth, writeStoredApiKey } from "./auth.js";
export { effectiveServiceTier } from "./service-tier.js";
export {
  type CatalogModel,
  type CatalogReasoningEffort,
  type CatalogServiceTier,
  DEFAULT_CATALOG_MODEL,
  MODEL_CATALOG,
  REASONING_EFFORT_DESCRIPTIONS,
  catalogContextWindow,
  catalogModel,
  listedModels,
  modelCatalogJson,
  modelOffersPriorityTier,
  modelSupportsOriginalImageDetail,
} from "./catalog.js";
export { clientMetadata, type RequestMetadata } from "./metadata.js";
export { ModelClient, ModelError, backoffMs, type ModelClientOptions, type ModelErrorKind, type ModelEvent, type ResponsesRequest } from "./model-client.js";
export {
  DEFAULT_OPENAI_BASE_URL,
  DEFAULT_REQUEST_MAX_RETRIES,
  DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  DEFAULT_STREAM_MAX_RETRIES,
  builtinOpenAiProvider,
  builtinProviders,
  providerHeaders,
  providerRequestRetries,
  providerStreamRetries,
  readStoredApiKey,
  resolveApiKey,
  responsesUrl,
  type Env,
  type ModelProviderInfo,
  type ResolvedAuth,
} from "./provider.js";
export { parseRateLimitHeaders, type CreditsSnapshot, type RateLimitSnapshot, type RateLimitWindow } from "./rate-limits.js";
