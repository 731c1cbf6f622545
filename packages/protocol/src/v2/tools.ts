import * as z from "zod";
import { AbsolutePathBuf, Int, JsonValue, LegacyAppPathString, UInt, named, nul, opt } from "./common.js";
import { ApprovalsReviewer, AskForApproval, ReasoningSummary, SandboxMode, SandboxPolicy } from "./policy.js";
import { ReasoningEffort } from "./thread.js";

/** Params and responses of config/*, skills/*, hooks/list and command/exec*. */

/* ---------------------------------------------------------------- config */

export const ConfigLayerSource = named(
  "ConfigLayerSource",
  z.discriminatedUnion("type", [
    z.object({ type: z.literal("packagedDefaults"), file: AbsolutePathBuf }),
    z.object({ type: z.literal("mdm"), domain: z.string(), key: z.string() }),
    z.object({ type: z.literal("system"), file: AbsolutePathBuf }),
    z.object({ type: z.literal("enterpriseManaged"), id: z.string(), name: z.string() }),
    z.object({ type: z.literal("user"), file: AbsolutePathBuf, profile: nul(z.string()) }),
    z.object({ type: z.literal("project"), dotCodexFolder: AbsolutePathBuf }),
    z.object({ type: z.literal("sessionFlags") }),
    z.object({ type: z.literal("legacyManagedConfigTomlFromFile"), file: AbsolutePathBuf }),
    z.object({ type: z.literal("legacyManagedConfigTomlFromMdm") }),
  ]),
);
export type ConfigLayerSource = z.infer<typeof ConfigLayerSource>;

export const ConfigLayerMetadata = named(
  "ConfigLayerMetadata",
  z.object({ name: ConfigLayerSource, version: z.string() }),
);
export type ConfigLayerMetadata = z.infer<typeof ConfigLayerMetadata>;

export const ConfigLayer = named(
  "ConfigLayer",
  z.object({
    name: ConfigLayerSource,
    version: z.string(),
    config: JsonValue,
    disabledReason: nul(z.string()),
  }),
);
export type ConfigLayer = z.infer<typeof ConfigLayer>;

/**
 * The effective config (snake_case keys, as in config.toml). The well-known keys are typed; any
 * other key passes through untouched.
 */
export const Config = named(
  "Config",
  z.looseObject({
    model: nul(z.string()),
    model_provider: nul(z.string()),
    model_context_window: nul(Int),
    model_auto_compact_token_limit: nul(Int),
    model_reasoning_effort: nul(ReasoningEffort),
    model_reasoning_summary: nul(ReasoningSummary),
    model_verbosity: nul(z.enum(["low", "medium", "high"])),
    review_model: nul(z.string()),
    approval_policy: nul(AskForApproval),
    approvals_reviewer: nul(ApprovalsReviewer),
    sandbox_mode: nul(SandboxMode),
    sandbox_workspace_write: nul(
      z.object({
        writable_roots: z.array(z.string()).default([]),
        network_access: z.boolean().default(false),
        exclude_tmpdir_env_var: z.boolean().default(false),
        exclude_slash_tmp: z.boolean().default(false),
      }),
    ),
    instructions: nul(z.string()),
    developer_instructions: nul(z.string()),
    compact_prompt: nul(z.string()),
    service_tier: nul(z.string()),
    web_search: nul(z.enum(["disabled", "cached", "indexed", "live"])),
  }),
);
export type Config = z.infer<typeof Config>;

export const ConfigReadParams = named(
  "ConfigReadParams",
  z.object({ cwd: opt(z.string()), includeLayers: opt(z.boolean()) }),
);
export type ConfigReadParams = z.infer<typeof ConfigReadParams>;

export const ConfigReadResponse = named(
  "ConfigReadResponse",
  z.object({
    config: Config,
    origins: z.record(z.string(), ConfigLayerMetadata),
    layers: nul(z.array(ConfigLayer)),
  }),
);
export type ConfigReadResponse = z.infer<typeof ConfigReadResponse>;

export const MergeStrategy = named("MergeStrategy", z.enum(["replace", "upsert"]));
export type MergeStrategy = z.infer<typeof MergeStrategy>;

export const ConfigValueWriteParams = named(
  "ConfigValueWriteParams",
  z.object({
    keyPath: z.string(),
    value: JsonValue,
    mergeStrategy: MergeStrategy,
    filePath: opt(z.string()),
    expectedVersion: opt(z.string()),
  }),
);
export type ConfigValueWriteParams = z.infer<typeof ConfigValueWriteParams>;

export const ConfigEdit = named(
  "ConfigEdit",
  z.object({ keyPath: z.string(), value: JsonValue, mergeStrategy: MergeStrategy }),
);
export const ConfigBatchWriteParams = named(
  "ConfigBatchWriteParams",
  z.object({
    edits: z.array(ConfigEdit),
    filePath: opt(z.string()),
    expectedVersion: opt(z.string()),
    reloadUserConfig: opt(z.boolean()),
  }),
);
export type ConfigBatchWriteParams = z.infer<typeof ConfigBatchWriteParams>;

export const ConfigWriteResponse = named(
  "ConfigWriteResponse",
  z.object({
    status: z.enum(["ok", "okOverridden"]),
    version: z.string(),
    filePath: AbsolutePathBuf,
    overriddenMetadata: nul(
      z.object({ message: z.string(), overridingLayer: ConfigLayerMetadata, effectiveValue: JsonValue }),
    ),
  }),
);
export type ConfigWriteResponse = z.infer<typeof ConfigWriteResponse>;

/* ---------------------------------------------------------------- skills */

export const SkillScope = named("SkillScope", z.enum(["user", "repo", "system", "admin"]));
export const SkillInterface = named(
  "SkillInterface",
  z.object({
    displayName: nul(z.string()),
    shortDescription: nul(z.string()),
    brandColor: nul(z.string()),
    defaultPrompt: nul(z.string()),
    iconSmall: nul(AbsolutePathBuf),
    iconSmallUrl: nul(z.string()),
    iconLarge: nul(AbsolutePathBuf),
    iconLargeUrl: nul(z.string()),
  }),
);
export const SkillToolDependency = named(
  "SkillToolDependency",
  z.object({
    type: z.string(),
    value: z.string(),
    description: nul(z.string()),
    transport: nul(z.string()),
    command: nul(z.string()),
    url: nul(z.string()),
  }),
);
export const SkillMetadata = named(
  "SkillMetadata",
  z.object({
    name: z.string(),
    description: z.string(),
    shortDescription: nul(z.string()),
    interface: nul(SkillInterface),
    dependencies: nul(z.object({ tools: z.array(SkillToolDependency) })),
    path: LegacyAppPathString,
    scope: SkillScope,
    enabled: z.boolean(),
    pluginId: nul(z.string()),
  }),
);
export type SkillMetadata = z.infer<typeof SkillMetadata>;

export const SkillErrorInfo = named("SkillErrorInfo", z.object({ path: z.string(), message: z.string() }));
export const SkillsListEntry = named(
  "SkillsListEntry",
  z.object({ cwd: z.string(), skills: z.array(SkillMetadata), errors: z.array(SkillErrorInfo) }),
);
export const SkillsListParams = named(
  "SkillsListParams",
  z.object({ cwds: opt(z.array(z.string())), forceReload: opt(z.boolean()) }),
);
export type SkillsListParams = z.infer<typeof SkillsListParams>;
export const SkillsListResponse = named("SkillsListResponse", z.object({ data: z.array(SkillsListEntry) }));
export type SkillsListResponse = z.infer<typeof SkillsListResponse>;

/** `skills/extraRoots/set` params: the complete list of extra (user-scope) skill roots, replacing any earlier list. */
export const SkillsExtraRootsSetParams = named(
  "SkillsExtraRootsSetParams",
  z.object({ extraRoots: z.array(AbsolutePathBuf) }),
);
export type SkillsExtraRootsSetParams = z.infer<typeof SkillsExtraRootsSetParams>;
/** `skills/extraRoots/set` result: an empty object. */
export const SkillsExtraRootsSetResponse = named("SkillsExtraRootsSetResponse", z.object({}));
export type SkillsExtraRootsSetResponse = z.infer<typeof SkillsExtraRootsSetResponse>;

/** `skills/config/write` params: turn one skill on or off, picked either by `name` or by `path`. */
export const SkillsConfigWriteParams = named(
  "SkillsConfigWriteParams",
  z.object({ enabled: z.boolean(), name: opt(z.string()), path: opt(AbsolutePathBuf) }),
);
export type SkillsConfigWriteParams = z.infer<typeof SkillsConfigWriteParams>;
/** `skills/config/write` result: whether that skill is enabled once the write is applied. */
export const SkillsConfigWriteResponse = named(
  "SkillsConfigWriteResponse",
  z.object({ effectiveEnabled: z.boolean() }),
);
export type SkillsConfigWriteResponse = z.infer<typeof SkillsConfigWriteResponse>;

/* ---------------------------------------------------------------- hooks */

export const HookEventName = named(
  "HookEventName",
  z.enum([
    "preModelRequest",
    "postModelRequest",
    "preToolUse",
    "permissionRequest",
    "postToolUse",
    "preCompact",
    "postCompact",
    "sessionStart",
    "sessionEnd",
    "userPromptSubmit",
    "subagentStart",
    "subagentStop",
    "stop",
    "interrupt",
  ]),
);
export type HookEventName = z.infer<typeof HookEventName>;

export const HookSource = named(
  "HookSource",
  z.enum([
    "system",
    "user",
    "project",
    "mdm",
    "sessionFlags",
    "plugin",
    "cloudRequirements",
    "cloudManagedConfig",
    "legacyManagedConfigFile",
    "legacyManagedConfigMdm",
    "unknown",
  ]),
);
export type HookSource = z.infer<typeof HookSource>;

export const HookTrustStatus = named(
  "HookTrustStatus",
  z.enum(["managed", "untrusted", "trusted", "modified"]),
);

const hookMetadataShape = {
  key: z.string(),
  eventName: HookEventName,
  matcher: nul(z.string()),
  source: HookSource,
  sourcePath: AbsolutePathBuf,
  pluginId: nul(z.string()),
  environmentId: nul(z.string()),
  displayOrder: Int,
  enabled: z.boolean(),
  isManaged: z.boolean(),
  currentHash: z.string(),
  trustStatus: HookTrustStatus,
  timeoutSec: UInt,
  statusMessage: nul(z.string()),
  additionalContextLimit: nul(UInt),
};
export const HookMetadata = named(
  "HookMetadata",
  z.discriminatedUnion("handlerType", [
    z.object({
      ...hookMetadataShape,
      handlerType: z.literal("command"),
      command: z.string(),
      async: z.boolean().default(false),
    }),
    z.object({
      ...hookMetadataShape,
      handlerType: z.literal("mcpTool"),
      server: z.string(),
      tool: z.string(),
    }),
    z.object({ ...hookMetadataShape, handlerType: z.literal("prompt") }),
    z.object({ ...hookMetadataShape, handlerType: z.literal("agent") }),
  ]),
);
export type HookMetadata = z.infer<typeof HookMetadata>;

export const HooksListEntry = named(
  "HooksListEntry",
  z.object({
    cwd: z.string(),
    hooks: z.array(HookMetadata),
    warnings: z.array(z.string()),
    errors: z.array(z.object({ path: z.string(), message: z.string() })),
  }),
);
export const HooksListParams = named(
  "HooksListParams",
  z.object({ cwds: opt(z.array(z.string())), threadId: opt(z.string()) }),
);
export type HooksListParams = z.infer<typeof HooksListParams>;
export const HooksListResponse = named("HooksListResponse", z.object({ data: z.array(HooksListEntry) }));
export type HooksListResponse = z.infer<typeof HooksListResponse>;

/* ---------------------------------------------------------------- command/exec */

export const CommandExecTerminalSize = named("CommandExecTerminalSize", z.object({ rows: UInt, cols: UInt }));

export const CommandExecParams = named(
  "CommandExecParams",
  z.object({
    command: z.array(z.string()),
    processId: opt(z.string()),
    cwd: opt(z.string()),
    env: opt(z.record(z.string(), z.string().nullable())),
    sandboxPolicy: opt(SandboxPolicy),
    timeoutMs: opt(Int),
    disableTimeout: opt(z.boolean()),
    outputBytesCap: opt(UInt),
    disableOutputCap: opt(z.boolean()),
    tty: opt(z.boolean()),
    size: opt(CommandExecTerminalSize),
    streamStdin: opt(z.boolean()),
    streamStdoutStderr: opt(z.boolean()),
  }),
);
export type CommandExecParams = z.infer<typeof CommandExecParams>;

export const CommandExecResponse = named(
  "CommandExecResponse",
  z.object({ exitCode: Int, stdout: z.string(), stderr: z.string() }),
);
export type CommandExecResponse = z.infer<typeof CommandExecResponse>;

export const CommandExecWriteParams = named(
  "CommandExecWriteParams",
  z.object({ processId: z.string(), deltaBase64: opt(z.string()), closeStdin: opt(z.boolean()) }),
);
export type CommandExecWriteParams = z.infer<typeof CommandExecWriteParams>;
export const CommandExecWriteResponse = named("CommandExecWriteResponse", z.object({}));

export const CommandExecTerminateParams = named(
  "CommandExecTerminateParams",
  z.object({ processId: z.string() }),
);
export type CommandExecTerminateParams = z.infer<typeof CommandExecTerminateParams>;
export const CommandExecTerminateResponse = named("CommandExecTerminateResponse", z.object({}));

export const CommandExecResizeParams = named(
  "CommandExecResizeParams",
  z.object({ processId: z.string(), size: CommandExecTerminalSize }),
);
export const CommandExecResizeResponse = named("CommandExecResizeResponse", z.object({}));
