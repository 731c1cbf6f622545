// session.ts also re-exports the options, recorder and compaction names (its earlier surface).
export {
  createSession,
  DEFAULT_MAX_STOP_HOOK_CONTINUATIONS,
  hookEngineFromConfig,
  knownContextWindow,
  rolloutRecorder,
  type Session,
  type SessionNetworkProxyOptions,
  type SessionOptions,
  type SessionRecorder,
  sessionOptionsFromConfig,
  type StartTurnResult,
  SUMMARIZATION_PROMPT,
  SUMMARY_PREFIX,
  type ToolProviderSource,
  type TurnStart,
} from "./session.js";
export {
  type ChildSessionOptions,
  type ChildSpawnInfo,
  PARENT_THREAD_HEADER,
  type SessionSpawner,
  SUBAGENT_HEADER,
  SUBAGENT_THREAD_SOURCE,
  threadSpawnMeta,
  threadSpawnSource,
} from "./children.js";
export { EventHub, type ModelRerouteEventMsg, type SessionEvent, type SessionEventMsg } from "./events.js";
export {
  DEFAULT_BASE_INSTRUCTIONS,
  currentEnvironment,
  localTimezone,
  systemTimezone,
  environmentContextText,
  loadProjectDocs,
  permissionsMessage,
  userInputMessage,
  workspaceRootsFor,
  type EnvironmentContext,
} from "./context.js";
export { applyShellEnvironmentPolicy, CORE_ENV_VARS, DEFAULT_ENV_EXCLUDES } from "./env.js";
export {
  loadSessionExecPolicy,
  type SessionExecPolicy,
  type SessionExecPolicyOptions,
} from "./exec-policy.js";
export { type PrewarmOptions, type PrewarmReport, prewarmCore } from "./prewarm.js";
