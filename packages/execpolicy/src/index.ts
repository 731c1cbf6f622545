export {
  type Decision,
  type HostExecutable,
  type NetworkProtocol,
  type NetworkRule,
  type ParsedRulesFile,
  type PatternToken,
  type PrefixRule,
  type RuleSource,
  type RulesError,
  formatRulesError,
  normalizeNetworkHost,
  parseDecision,
  parseNetworkProtocol,
  renderPrefixRule,
  stricterDecision,
} from "./rule-model.js";
export { parseRulesFile } from "./rules.js";
export { type ParseResult, type Position, type SyntaxFailure, parseSyntax } from "./syntax.js";
export {
  type CheckOptions,
  type CheckOutput,
  type Evaluation,
  type MatchOptions,
  type PrefixRuleMatch,
  type RuleMatch,
  type RulesSource,
  type UnmatchedFallback,
  Policy,
  policyFromSources,
  ruleMatchDecision,
} from "./policy.js";
export {
  type ExecPolicyLoadError,
  type LoadExecPolicyOptions,
  type LoadedExecPolicy,
  collectRulesFiles,
  defaultCodexHome,
  formatLoadError,
  loadExecPolicy,
  loadPolicyFiles,
} from "./load.js";
export {
  extractShellScript,
  loadShellParser,
  needsShellParser,
  prepareShellParsing,
  shellParserLoaded,
  parsePlainShellScript,
  parseShellLcPlainCommands,
  parseShellLcSingleCommandPrefix,
} from "./shell.js";
export { commandMightBeDangerous, isKnownSafeCommand, isSafeToCallWithExec } from "./safety.js";
export {
  type AskForApproval,
  AskForApprovalSchema,
  BANNED_PREFIX_SUGGESTIONS,
  type ExecApprovalContext,
  type ExecApprovalRequirement,
  type ExecPolicyCommands,
  type FileSystemSandboxKind,
  PROMPT_CONFLICT_REASON,
  REJECT_RULES_APPROVAL_REASON,
  REJECT_SANDBOX_APPROVAL_REASON,
  commandsForExecPolicy,
  decisionForUnmatchedCommand,
  evaluateExecApproval,
} from "./approval.js";
export {
  type AmendError,
  type AmendResult,
  type NetworkAmendment,
  type NetworkAmendmentDecision,
  appendAllowPrefixRule,
  appendNetworkRule,
  appendRuleLine,
  broadHostReason,
  defaultRulesPath,
  renderAllowPrefixRule,
  renderNetworkRule,
} from "./amend.js";
export {
  MAX_ALLOW_PREFIX_TEXT_CHARS,
  MAX_RENDERED_PREFIXES,
  type RenderedPrefixes,
  TRUNCATED_MARKER,
  formatAllowPrefixes,
  renderCommandPrefix,
  sortPrefixesBroadestFirst,
} from "./list.js";
export { type CommandIo, EXECPOLICY_CHECK_USAGE, runExecpolicyCheckCommand } from "./cli.js";
