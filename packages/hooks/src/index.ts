export {
  CommandHandlerConfig,
  HookState,
  mergeHookStates,
  parseHookEvents,
  parseHookStates,
  parseHooksFile,
  type ParsedHandler,
} from "./config.js";
export {
  applyHookStates,
  type ConfiguredHook,
  type DeclaredHook,
  declareHooks,
  discoverHooks,
  type HookDiscoveryInput,
  type HookLayerInput,
  type HookRegistry,
  type ManagedHooksInput,
  type PluginInput,
  standardLayers,
  type TrustStatus,
} from "./discovery.js";
export {
  type HandlerResult,
  type HookContext,
  HookEngine,
  type HookEventOutcome,
  type HookRequest,
  type HookRunObserver,
  type RunOptions,
  type SessionStartSource,
} from "./engine.js";
export { type HookInput, hookInput, type SubagentIdentity } from "./input.js";
export {
  EVENT_TRAITS,
  HOOK_EVENTS,
  type HookEvent,
  isHookEvent,
  matcherMatches,
  validateMatcher,
} from "./events.js";
export { DEFAULT_TIMEOUT_SEC, hookHash, hookKey, type NormalizedCommand } from "./identity.js";
export { hookMetadata, type HooksListEntry, hooksListEntry, listHooks } from "./list.js";
export { type InterpretedRun, interpretRun } from "./output.js";
export { type CommandRunResult, type RunCommandOptions, runCommand } from "./runner.js";
export { hookToolName, shellToolInput } from "./tools.js";
export { hookContextMessage, preToolUseBlockMessage } from "./integration.js";
