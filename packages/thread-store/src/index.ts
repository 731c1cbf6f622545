export * from "./types.js";
export { INDEX_FILENAME, LocalThreadStore, type LocalThreadStoreOptions } from "./local-store.js";
export { readRolloutLines, validGoal, writeRolloutLines } from "./local-extras.js";
export { applyLines, type RolloutSummary, sourceKindOf, summarizeRolloutText } from "./rollout-scan.js";
export {
  DEFAULT_PAGE_SIZE,
  errorMessage,
  guarded,
  type ListQuery,
  MAX_PAGE_SIZE,
  pageOf,
  parseCreateParams,
  parseListParams,
  rolloutLinesFor,
  sessionMetaFor,
  sessionMetaLine,
  validateAppendItems,
} from "./store-common.js";
export { toV2SessionSource, toV2Thread, toV2ThreadListResponse, type V2ThreadOverrides } from "./v2.js";
export {
  isPostgresUrl,
  type OpenThreadStoreOptions,
  openThreadStore,
  POSTGRES_STORE_PACKAGE,
  redactUrl,
} from "./open-store.js";
export { allThreadIds, parseTransferLine, serializeTransferLine, TRANSFER_FORMAT } from "./transfer.js";
