export {
  ARCHIVED_SESSIONS_SUBDIR,
  parseRolloutFileName,
  type RolloutFileNameParts,
  rolloutFileName,
  rolloutFileTimestamp,
  rolloutPath,
  SESSIONS_SUBDIR,
} from "./paths.js";
export {
  EXTENDED_OUTPUT_CAP_BYTES,
  type PersistenceMode,
  prepareForPersistence,
  shouldPersistRolloutItem,
  truncateUtf8,
} from "./policy.js";
export {
  parseRolloutText,
  type RolloutContents,
  type RolloutEntry,
  readRollout,
  readSessionMeta,
  type SkippedLine,
} from "./reader.js";
export { agentStateToV2, collabItemToV2 } from "./collab.js";
export { type ReconstructedThread, type ReconstructOptions, reconstructHistory, reconstructThread, shellJoin } from "./reconstruct.js";
export { type ForkedRollout, type ForkPoint, type ForkRolloutOptions, forkRollout } from "./fork.js";
export type { RolloutError, RolloutResult } from "./result.js";
export { createRolloutLater, type PendingRollout } from "./pending.js";
export {
  type CreateRolloutOptions,
  newThreadId,
  type ResumeRolloutOptions,
  RolloutWriter,
  type SessionMetaInit,
} from "./writer.js";
