export * from "./types.js";
export {
  ARCHIVED_SESSIONS_DIR,
  DEFAULT_PAGE_SIZE,
  INDEX_FILENAME,
  LocalThreadStore,
  type LocalThreadStoreOptions,
  MAX_PAGE_SIZE,
  SESSIONS_DIR,
  uuidv7,
} from "./local-store.js";
export {
  parseRolloutFileName,
  type RolloutSummary,
  SessionMetaPayloadSchema,
  sourceKindOf,
  summarizeRolloutText,
} from "./rollout-scan.js";
export { toV2SessionSource, toV2Thread, toV2ThreadListResponse, type V2ThreadOverrides } from "./v2.js";
