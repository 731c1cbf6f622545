import * as z from "zod";
import { Int, JsonValue, LegacyAppPathString, UInt, named, nul, opt } from "./common.js";
import { CommandAction, DynamicToolCallOutputContentItem } from "./thread.js";

/**
 * Requests the app-server sends to the client (approvals, tool calls, user input, elicitation)
 * and the responses the client sends back. Params are written by the server (so absent values
 * are `null`); responses are read from the client (so they are params-like: `field?: T`).
 */

/* ---------------------------------------------------------------- permissions (v2 request shapes) */

export const FileSystemAccessMode = named(
  "FileSystemAccessMode",
  z.preprocess((value) => (value === "none" ? "deny" : value), z.enum(["read", "write", "deny"])),
);
export type FileSystemAccessMode = z.infer<typeof FileSystemAccessMode>;

export const FileSystemSpecialPath = named(
  "FileSystemSpecialPath",
  z.preprocess(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      (value as { kind?: unknown }).kind === "current_working_directory"
        ? { ...value, kind: "project_roots" }
        : value,
    z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("root") }),
      z.object({ kind: z.literal("minimal") }),
      z.object({ kind: z.literal("project_roots"), subpath: nul(LegacyAppPathString) }),
      z.object({ kind: z.literal("tmpdir") }),
      z.object({ kind: z.literal("slash_tmp") }),
      z.object({ kind: z.literal("unknown"), path: z.string(), subpath: nul(LegacyAppPathString) }),
    ]),
  ),
);
export type FileSystemSpecialPath = z.infer<typeof FileSystemSpecialPath>;

export const FileSystemPath = named(
  "FileSystemPath",
  z.discriminatedUnion("type", [
    z.object({ type: z.literal("path"), path: LegacyAppPathString }),
    z.object({ type: z.literal("glob_pattern"), pattern: z.string() }),
    z.object({ type: z.literal("special"), value: FileSystemSpecialPath }),
  ]),
);

export const FileSystemSandboxEntry = named(
  "FileSystemSandboxEntry",
  z.object({ path: FileSystemPath, access: FileSystemAccessMode }),
);
export type FileSystemSandboxEntry = z.infer<typeof FileSystemSandboxEntry>;

export const AdditionalFileSystemPermissions = named(
  "AdditionalFileSystemPermissions",
  z.object({
    read: nul(z.array(LegacyAppPathString)),
    write: nul(z.array(LegacyAppPathString)),
    entries: nul(z.array(FileSystemSandboxEntry)),
    globScanMaxDepth: nul(UInt.min(1)),
  }),
);
export const AdditionalNetworkPermissions = named(
  "AdditionalNetworkPermissions",
  z.object({ enabled: nul(z.boolean()) }),
);

/** The permissions a tool asks for (server → client). */
export const RequestPermissionProfile = named(
  "RequestPermissionProfile",
  z.object({ fileSystem: nul(AdditionalFileSystemPermissions), network: nul(AdditionalNetworkPermissions) }),
);
export type RequestPermissionProfile = z.infer<typeof RequestPermissionProfile>;

/** The permissions the client grants (client → server). */
export const GrantedPermissionProfile = named(
  "GrantedPermissionProfile",
  z.object({ fileSystem: opt(AdditionalFileSystemPermissions), network: opt(AdditionalNetworkPermissions) }),
);
export type GrantedPermissionProfile = z.infer<typeof GrantedPermissionProfile>;

/* ---------------------------------------------------------------- item/commandExecution/requestApproval */

export const NetworkPolicyAmendment = named(
  "NetworkPolicyAmendment",
  z.object({ host: z.string(), action: z.enum(["allow", "deny"]) }),
);
export type NetworkPolicyAmendment = z.infer<typeof NetworkPolicyAmendment>;

export const NetworkApprovalContext = named(
  "NetworkApprovalContext",
  z.object({ host: z.string(), protocol: z.enum(["http", "https", "socks5Tcp", "socks5Udp"]) }),
);

export const CommandExecutionApprovalDecision = named(
  "CommandExecutionApprovalDecision",
  z.union([
    z.enum(["accept", "acceptForSession", "decline", "cancel"]),
    z.object({ acceptWithExecpolicyAmendment: z.object({ execpolicy_amendment: z.array(z.string()) }) }),
    z.object({ applyNetworkPolicyAmendment: z.object({ network_policy_amendment: NetworkPolicyAmendment }) }),
  ]),
);
export type CommandExecutionApprovalDecision = z.infer<typeof CommandExecutionApprovalDecision>;

export const CommandExecutionApprovalKind = named(
  "CommandExecutionApprovalKind",
  z.enum(["command", "writeStdin", "humanCommand"]),
);

export const CommandExecutionRequestApprovalParams = named(
  "CommandExecutionRequestApprovalParams",
  z.object({
    threadId: z.string(),
    turnId: z.string(),
    itemId: z.string(),
    /** Set when one command item needs several approvals (e.g. per network host). */
    approvalId: nul(z.string()),
    startedAtMs: Int,
    kind: CommandExecutionApprovalKind.default("command"),
    command: nul(z.string()),
    cwd: nul(LegacyAppPathString),
    commandActions: nul(z.array(CommandAction)),
    reason: nul(z.string()),
    environmentId: nul(z.string()),
    networkApprovalContext: nul(NetworkApprovalContext),
    proposedExecpolicyAmendment: nul(z.array(z.string())),
    proposedNetworkPolicyAmendments: nul(z.array(NetworkPolicyAmendment)),
    /** The decisions the client may offer; `null` means the classic accept/decline/cancel set. */
    availableDecisions: nul(z.array(CommandExecutionApprovalDecision)),
    /**
     * The extra permissions the command asks to run with (`with_additional_permissions`), paths
     * absolute; omitted otherwise. Experimental in Codex (not in the stable 0.169 schema, whose
     * params allow it as an extra property).
     */
    additionalPermissions: opt(RequestPermissionProfile),
  }),
);
export type CommandExecutionRequestApprovalParams = z.infer<typeof CommandExecutionRequestApprovalParams>;

export const CommandExecutionRequestApprovalResponse = named(
  "CommandExecutionRequestApprovalResponse",
  z.object({ decision: CommandExecutionApprovalDecision }),
);
export type CommandExecutionRequestApprovalResponse = z.infer<typeof CommandExecutionRequestApprovalResponse>;

/* ---------------------------------------------------------------- item/fileChange/requestApproval */

export const FileChangeRequestApprovalParams = named(
  "FileChangeRequestApprovalParams",
  z.object({
    threadId: z.string(),
    turnId: z.string(),
    itemId: z.string(),
    startedAtMs: Int,
    reason: nul(z.string()),
    grantRoot: nul(z.string()),
  }),
);
export type FileChangeRequestApprovalParams = z.infer<typeof FileChangeRequestApprovalParams>;

export const FileChangeApprovalDecision = named(
  "FileChangeApprovalDecision",
  z.enum(["accept", "acceptForSession", "decline", "cancel"]),
);
export type FileChangeApprovalDecision = z.infer<typeof FileChangeApprovalDecision>;

export const FileChangeRequestApprovalResponse = named(
  "FileChangeRequestApprovalResponse",
  z.object({ decision: FileChangeApprovalDecision }),
);
export type FileChangeRequestApprovalResponse = z.infer<typeof FileChangeRequestApprovalResponse>;

/* ---------------------------------------------------------------- item/permissions/requestApproval */

export const PermissionsRequestApprovalParams = named(
  "PermissionsRequestApprovalParams",
  z.object({
    threadId: z.string(),
    turnId: z.string(),
    itemId: z.string(),
    startedAtMs: Int,
    cwd: LegacyAppPathString,
    permissions: RequestPermissionProfile,
    reason: nul(z.string()),
    environmentId: nul(z.string()),
  }),
);
export type PermissionsRequestApprovalParams = z.infer<typeof PermissionsRequestApprovalParams>;

export const PermissionGrantScope = named("PermissionGrantScope", z.enum(["turn", "session"]));
export const PermissionsRequestApprovalResponse = named(
  "PermissionsRequestApprovalResponse",
  z.object({
    permissions: GrantedPermissionProfile,
    scope: PermissionGrantScope.default("turn"),
    strictAutoReview: opt(z.boolean()),
  }),
);
export type PermissionsRequestApprovalResponse = z.infer<typeof PermissionsRequestApprovalResponse>;

/* ---------------------------------------------------------------- item/tool/call (dynamic tools) */

export const DynamicToolCallParams = named(
  "DynamicToolCallParams",
  z.object({
    threadId: z.string(),
    turnId: z.string(),
    callId: z.string(),
    namespace: nul(z.string()),
    tool: z.string(),
    arguments: JsonValue,
  }),
);
export type DynamicToolCallParams = z.infer<typeof DynamicToolCallParams>;

export const DynamicToolCallResponse = named(
  "DynamicToolCallResponse",
  z.object({ contentItems: z.array(DynamicToolCallOutputContentItem), success: z.boolean() }),
);
export type DynamicToolCallResponse = z.infer<typeof DynamicToolCallResponse>;

/* ---------------------------------------------------------------- item/tool/requestUserInput */

export const ToolRequestUserInputOption = named(
  "ToolRequestUserInputOption",
  z.object({ label: z.string(), description: z.string() }),
);
export const ToolRequestUserInputQuestion = named(
  "ToolRequestUserInputQuestion",
  z.object({
    id: z.string(),
    header: z.string(),
    question: z.string(),
    isOther: z.boolean().default(false),
    isSecret: z.boolean().default(false),
    options: nul(z.array(ToolRequestUserInputOption)),
  }),
);
export const ToolRequestUserInputParams = named(
  "ToolRequestUserInputParams",
  z.object({
    threadId: z.string(),
    turnId: z.string(),
    itemId: z.string(),
    isBlocking: z.boolean(),
    questions: z.array(ToolRequestUserInputQuestion),
    autoResolutionMs: nul(UInt),
  }),
);
export type ToolRequestUserInputParams = z.infer<typeof ToolRequestUserInputParams>;

export const ToolRequestUserInputResponse = named(
  "ToolRequestUserInputResponse",
  z.object({ answers: z.record(z.string(), z.object({ answers: z.array(z.string()) })) }),
);
export type ToolRequestUserInputResponse = z.infer<typeof ToolRequestUserInputResponse>;

/* ---------------------------------------------------------------- mcpServer/elicitation/request */

/** An MCP elicitation form schema: a flat object of primitive fields (kept loose: it is MCP's shape). */
export const McpElicitationSchema = named(
  "McpElicitationSchema",
  z.looseObject({
    type: z.literal("object"),
    properties: z.record(z.string(), JsonValue),
    required: opt(z.array(z.string())),
    $schema: opt(z.string()),
  }),
);

const elicitationBase = { threadId: z.string(), turnId: nul(z.string()), serverName: z.string() };
export const McpServerElicitationRequestParams = named(
  "McpServerElicitationRequestParams",
  z.discriminatedUnion("mode", [
    z.object({
      ...elicitationBase,
      mode: z.literal("form"),
      message: z.string(),
      requestedSchema: McpElicitationSchema,
      _meta: JsonValue.optional(),
    }),
    z.object({
      ...elicitationBase,
      mode: z.literal("openai/form"),
      message: z.string(),
      requestedSchema: JsonValue,
      _meta: JsonValue.optional(),
    }),
    z.object({
      ...elicitationBase,
      mode: z.literal("openaiForm"),
      message: z.string(),
      requestedSchema: JsonValue,
      _meta: JsonValue.optional(),
    }),
    z.object({
      ...elicitationBase,
      mode: z.literal("url"),
      message: z.string(),
      url: z.string(),
      elicitationId: z.string(),
      _meta: JsonValue.optional(),
    }),
  ]),
);
export type McpServerElicitationRequestParams = z.infer<typeof McpServerElicitationRequestParams>;

export const McpServerElicitationAction = named(
  "McpServerElicitationAction",
  z.enum(["accept", "decline", "cancel"]),
);
export const McpServerElicitationRequestResponse = named(
  "McpServerElicitationRequestResponse",
  z.object({
    action: McpServerElicitationAction,
    content: JsonValue.optional(),
    _meta: JsonValue.optional(),
  }),
);
export type McpServerElicitationRequestResponse = z.infer<typeof McpServerElicitationRequestResponse>;
