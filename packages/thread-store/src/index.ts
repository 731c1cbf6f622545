export * from "./types.js";
export {
  DEFAULT_PAGE_SIZE,
  INDEX_FILENAME,
  LocalThreadStore,
  type LocalThreadStoreOptions,
  MAX_PAGE_SIZE,
} from "./local-store.js";
export { type RolloutSummary, sourceKindOf, summarizeRolloutText } from "./rollout-scan.js";
export { toV2SessionSource, toV2Thread, toV2ThreadListResponse, type V2ThreadOverrides } from "./v2.js";
