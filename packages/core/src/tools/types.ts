/**
 * The seam between the session (turn loop) and the tools.
 *
 * The session turns a model output item (function_call / custom_tool_call) into a `ToolCall`,
 * finds the handler by name in the registry built for the turn, and turns the `ToolResult` into a
 * `function_call_output` / `custom_tool_call_output` input item for the next request.
 *
 * Tools emit small, transport-free `ToolEvent`s; the session stamps thread/turn ids and maps
 * them onto the core wire events (`item_started` / `item_completed` with protocol `TurnItem`s,
 * `exec_command_output_delta` with base64 chunks, `plan_update`). Policy and decision types
 * are @codex-ts/protocol's.
 */

import type {
  AdditionalPermissionProfile,
  AskForApproval,
  CoreSandboxPolicy,
  FileChange,
  NetworkApprovalContext,
  NetworkPolicyAmendment,
  PermissionProfile,
  ReviewDecision as ProtocolReviewDecision,
} from "@codex-ts/protocol";
import type { EffectivePermissions } from "../permissions/effective.js";
import type { Policy } from "@codex-ts/execpolicy";

// ---------------------------------------------------------------------------------------------
// Calls and results

export type ToolPayload =
  /** A function tool: `arguments` is the raw JSON text the model produced (not yet parsed). */
  | { type: "function"; arguments: string }
  /** A custom (freeform) tool: the raw input text. */
  | { type: "custom"; input: string };

export interface ToolCall {
  callId: string;
  name: string;
  /** The namespace of a namespaced tool (`function_call.namespace`, e.g. `mcp__server`). */
  namespace?: string;
  payload: ToolPayload;
}

export type ImageDetail = "auto" | "low" | "high" | "original";

/** Content items of a function_call_output (Responses API `input_text` / `input_image`). */
export type ContentItem =
  | { type: "input_text"; text: string }
  | { type: "input_image"; image_url: string; detail?: ImageDetail };

export interface ToolResult {
  /** Text, or content items (text and images) for tools that return images. */
  output: string | ContentItem[];
  /** Whether the call succeeded (Codex's `success` flag on function_call_output). */
  success: boolean;
  /**
   * The user answered an approval with `abort`: the session should record this output and end
   * the turn as interrupted instead of sampling the model again.
   */
  abortTurn?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Specs: entries of the Responses API `tools` array

export type JsonSchema = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  additionalProperties?: boolean | JsonSchema;
  [key: string]: unknown;
};

export interface FunctionToolSpec {
  type: "function";
  name: string;
  description: string;
  strict: boolean;
  parameters: JsonSchema;
}

export interface FreeformToolSpec {
  type: "custom";
  name: string;
  description: string;
  format: { type: "grammar"; syntax: "lark" | "regex"; definition: string };
}

export interface WebSearchToolSpec {
  type: "web_search";
  external_web_access?: boolean;
}

/** Tools grouped under one name (MCP servers, `multi_agent_v1`); calls carry `namespace` + `name`. */
export interface NamespaceToolSpec {
  type: "namespace";
  name: string;
  description?: string;
  tools: FunctionToolSpec[];
}

export type ToolSpec = FunctionToolSpec | FreeformToolSpec | WebSearchToolSpec | NamespaceToolSpec;

/** The name the model calls a spec by (web_search has no name field on the wire). */
export function toolSpecName(spec: ToolSpec): string {
  return spec.type === "web_search" ? "web_search" : spec.name;
}

// ---------------------------------------------------------------------------------------------
// Policies: the wire types come from @codex-ts/protocol (core, snake_case).

/** Codex ReviewDecision (snake_case core wire shape, from @codex-ts/protocol). */
export type ReviewDecision = ProtocolReviewDecision;

/**
 * The sandbox policy commands and patches run under: the protocol's `CoreSandboxPolicy`
 * (`{ type: "workspace-write", writable_roots, network_access, … }`), used as is.
 */
export type SandboxPolicy = CoreSandboxPolicy;

/**
 * True when core adds no sandbox of its own: `danger-full-access`, or `external-sandbox` (the
 * process is already confined by something else, as in Codex).
 */
export function runsUnsandboxed(policy: SandboxPolicy): boolean {
  return policy.type === "danger-full-access" || policy.type === "external-sandbox";
}

export type ApprovalRequest =
  | {
      kind: "exec";
      approvalId: string;
      callId: string;
      turnId: string;
      command: string[];
      cwd: string;
      reason?: string;
      /** Proposed execpolicy prefix rule the user may accept for the future. */
      proposedExecpolicyAmendment?: string[];
      /**
       * Set for a managed-network approval: the running command tried to reach this host through
       * the session's proxy. The decision is passed on as given (including network amendments).
       */
      networkApprovalContext?: NetworkApprovalContext;
      /** Allow/deny rules for that host the user may persist (`network_policy_amendment`). */
      proposedNetworkPolicyAmendments?: NetworkPolicyAmendment[];
      /**
       * The command asks to run with more permissions (`with_additional_permissions`), every path
       * absolute: approving grants them to this command (Codex `additional_permissions`).
       */
      additionalPermissions?: AdditionalPermissionProfile;
      availableDecisions: ReviewDecision[];
    }
  | {
      kind: "patch";
      approvalId: string;
      callId: string;
      turnId: string;
      changes: Record<string, FileChangeSummary>;
      reason?: string;
      grantRoot?: string;
      availableDecisions: ReviewDecision[];
    };

/** One file's change (protocol `FileChange`; `move_path` is null unless the file moves). */
export type FileChangeSummary = FileChange;

// ---------------------------------------------------------------------------------------------
// Events the tools emit (the session stamps/forwards them)

export type ItemStatus = "in_progress" | "completed" | "failed" | "declined";

export type ToolItem =
  | {
      type: "command_execution";
      id: string;
      /** The command as the model wrote it. */
      command: string;
      /** The argv actually run (e.g. ["/bin/bash", "-lc", "…"]): Codex's `command` field. */
      argv?: string[];
      cwd: string;
      processId?: string;
      status: ItemStatus;
      aggregatedOutput?: string;
      exitCode?: number;
      durationMs?: number;
    }
  | {
      type: "file_change";
      id: string;
      changes: Record<string, FileChangeSummary>;
      status: ItemStatus;
    }
  | { type: "plan"; id: string; explanation?: string; plan: PlanStep[] }
  | { type: "image_view"; id: string; path: string }
  | { type: "web_search"; id: string; query: string }
  | {
      type: "dynamic_tool_call";
      id: string;
      tool: string;
      arguments: unknown;
      status: ItemStatus;
      success?: boolean;
      contentItems?: ContentItem[];
      durationMs?: number;
    }
  | {
      /** An MCP tool call (also the resource tools); `result` is MCP's `CallToolResult` as is. */
      type: "mcp_tool_call";
      id: string;
      server: string;
      tool: string;
      arguments: unknown;
      status: ItemStatus;
      readOnlyHint?: boolean;
      result?: Record<string, unknown>;
      error?: string;
      durationMs?: number;
    }
  | {
      /** A `multi_agent_v1` call (spawn_agent, wait, send_input, close_agent, resume_agent); see agents/items.ts. */
      type: "collab_agent_tool_call";
      id: string;
      tool: "spawn_agent" | "send_input" | "resume_agent" | "wait" | "close_agent";
      status: "in_progress" | "completed" | "failed";
      senderThreadId: string;
      receivers: { threadId: string; nickname: string | null }[];
      prompt?: string | null;
      model?: string | null;
      reasoningEffort?: string | null;
      /** Codex AgentStatus values by thread id (`"pending_init"`, `{completed: "…"}`, …). */
      agentsStates: Record<string, unknown>;
    };

export interface PlanStep {
  step: string;
  status: "pending" | "in_progress" | "completed";
}

export type ToolEvent =
  | { type: "item_started"; item: ToolItem; started_at_ms: number }
  | { type: "item_completed"; item: ToolItem; completed_at_ms: number; started_at_ms?: number }
  | {
      type: "exec_command_output_delta";
      call_id: string;
      stream: "stdout" | "stderr";
      chunk: string;
    }
  | { type: "plan_update"; explanation?: string; plan: PlanStep[] }
  | { type: "warning"; message: string };

// ---------------------------------------------------------------------------------------------
// The command runner seam (filled by sandboxing; see ./runner.ts for the default)

export interface CommandSpec {
  /** argv; argv[0] is the program. */
  argv: string[];
  cwd: string;
  env?: Record<string, string>;
  /** Allocate a pseudo-terminal (node-pty). */
  tty?: boolean;
  /** Sandbox the command runs under. */
  sandbox: SandboxPolicy;
  /** Request to run outside the sandbox (only after approval). */
  escalated?: boolean;
  /**
   * Granted additional permissions (session/turn grants, the command's own inline request):
   * overlays on the sandbox policy, absolute paths only.
   */
  additionalPermissions?: AdditionalPermissionProfile[];
  /**
   * The session's network proxy (HTTP listener). With a restricted network the sandboxed command
   * gets proxied networking: this proxy is its only way out.
   */
  networkProxy?: { host: string; port: number };
  signal?: AbortSignal;
  /**
   * The effective permissions (core's permissions module): the sandbox is built from these —
   * turn cwd, workspace roots, profile, grants — never from `cwd`. Absent → `sandbox` with no
   * workspace roots (nothing of the workspace is writable).
   */
  permissions?: EffectivePermissions;
}

/** A running process. Output arrives through `onOutput`; `exited` resolves once. */
export interface RunningProcess {
  pid: number | undefined;
  write(data: string): void;
  closeStdin(): void;
  /** Kill the whole process group. */
  kill(signal?: NodeJS.Signals): void;
  onOutput(listener: (chunk: string, stream: "stdout" | "stderr") => void): void;
  exited: Promise<{ exitCode: number; signal?: string }>;
}

export type SpawnResult =
  | { ok: true; process: RunningProcess }
  | { ok: false; error: string; kind: "sandbox_unavailable" | "spawn_failed" };

export interface CommandRunner {
  spawn(spec: CommandSpec): Promise<SpawnResult>;
}

// ---------------------------------------------------------------------------------------------
// Context and handlers

export interface ToolContext {
  threadId: string;
  turnId: string;
  /** The turn's model (some tools depend on what its catalog entry supports). */
  model?: string;
  cwd: string;
  sandboxPolicy: SandboxPolicy;
  approvalPolicy: AskForApproval;
  /** Aborted on interrupt. */
  signal: AbortSignal;
  emit(event: ToolEvent): void;
  requestApproval(request: ApprovalRequest): Promise<ReviewDecision>;
  /** Client-defined dynamic tools: the session forwards to the client. */
  runDynamicTool?(call: DynamicToolRequest): Promise<DynamicToolResponse>;
  /**
   * Ask the client for additional permissions (request_permissions, or a command's inline
   * `with_additional_permissions`). The session intersects the answer with the request, records
   * the grant for its scope, and returns what was granted.
   */
  requestPermissions?(request: PermissionsRequest): Promise<PermissionsOutcome>;
  /** The additional permissions granted so far (session + this turn), or null. */
  grantedPermissions?(): AdditionalPermissionProfile | null;
  /**
   * Commands may ask for `with_additional_permissions` (Codex feature `exec_permission_approvals`);
   * the request becomes a command approval carrying the permissions. Off: such a call is refused.
   */
  execPermissionApprovals?: boolean;
  /**
   * The skill script a command runs directly (its program is a file in the folder of a skill that
   * declares permissions), with the skill's compiled permissions; see permissions/skills.ts.
   */
  skillScript?(argv: readonly string[], cwd: string): { skill: string; script: string; permissions: AdditionalPermissionProfile } | undefined;
  /** Plan mode: request_user_input. */
  requestUserInput?(request: UserInputRequest): Promise<UserInputResponse>;
  runner: CommandRunner;
  planMode: boolean;
  /** Session-scoped memory of "approved for session" keys (shared across turns). */
  approvedForSession: Set<string>;
  /** Command rules loaded with @codex-ts/execpolicy; absent = no rules (heuristics only). */
  execPolicy?: Policy;
  /** The user accepted a proposed execpolicy prefix rule: persist it (the session decides where). */
  onExecpolicyAmendment?(prefix: string[]): void | Promise<void>;
  /** Session-scoped store of running exec_command processes (write_stdin targets). */
  /** The session's network proxy: sandboxed commands with a restricted network go through it. */
  networkProxy?: { host: string; port: number };
  execSessions?: ExecSessionStoreLike;
  /** Environment for commands (after shell_environment_policy). Defaults to process.env. */
  env?: Record<string, string>;
  /** The user's shell (absolute path). Defaults to $SHELL or /bin/bash. */
  shell?: string;
  /** The active permission profile; wins over `sandboxPolicy` (deny globs, restricted reads kept). */
  permissionProfile?: PermissionProfile;
  /** The thread's runtime workspace roots (the writable workspace); default: `[cwd]`. */
  workspaceRoots?: string[];
}

/** Opaque handle to the exec session store (see ./exec/sessions.ts `ExecSessionStore`). */
export interface ExecSessionStoreLike {
  killAll(): void;
}

export interface DynamicToolRequest {
  callId: string;
  turnId: string;
  tool: string;
  arguments: unknown;
}

export interface DynamicToolResponse {
  contentItems: ({ type: "inputText"; text: string } | { type: "inputImage"; imageUrl: string })[];
  success: boolean;
}

/** What the session asks the client (see the core README, "Permissions requests"). */
export interface PermissionsRequest {
  /** The tool call id (request_permissions call, or the command's call id). */
  callId: string;
  turnId: string;
  /** The model's reason / justification. */
  reason?: string;
  /** What is asked for; every path absolute (resolved against `cwd`). */
  permissions: AdditionalPermissionProfile;
  cwd: string;
}

export type PermissionGrantScope = "turn" | "session";

/** The client's answer: null or empty permissions = denied; scope defaults to `turn`. */
export interface PermissionsGrant {
  permissions: AdditionalPermissionProfile | null;
  scope?: PermissionGrantScope;
}

/** What a tool learns: what was actually granted (⊆ the request), or why nothing was. */
export type PermissionsOutcome =
  | { ok: true; granted: AdditionalPermissionProfile; scope: PermissionGrantScope }
  | { ok: false; message: string };

export interface UserInputQuestion {
  id: string;
  header: string;
  question: string;
  /** The client offers a free-form "Other" answer (always true, as in Codex). */
  isOther?: boolean;
  options?: { label: string; description: string }[];
}

export interface UserInputRequest {
  callId: string;
  turnId: string;
  questions: UserInputQuestion[];
}

export interface UserInputResponse {
  answers: Record<string, { answers: string[] }>;
}

export interface ToolHandler {
  spec: ToolSpec;
  /** Set for a namespaced tool: `spec` (a function spec) is listed inside this namespace. */
  namespace?: string;
  /** The namespace spec's `description` (the first handler of a namespace gives it). */
  namespaceDescription?: string;
  handle(call: ToolCall, ctx: ToolContext): Promise<ToolResult>;
}

export interface DynamicToolSpec {
  name: string;
  description: string;
  inputSchema: JsonSchema;
}

export interface ToolRegistryOptions {
  /**
   * Which command tool the model gets: `unified_exec` (exec_command + write_stdin, the default),
   * `shell_command`, or none.
   */
  shellTool?: "unified_exec" | "shell_command" | false;
  planMode?: boolean;
  /** Include web_search in the tools list (hosted by the model provider; passthrough). */
  webSearch?: boolean | { externalWebAccess?: boolean };
  /** Include view_image (on by default). */
  viewImage?: boolean;
  /** apply_patch as a freeform (custom) tool with a Lark grammar, or as a JSON function. */
  applyPatchToolType?: "freeform" | "function" | false;
  /** Include request_permissions (Codex feature `request_permissions_tool`). */
  requestPermissions?: boolean;
  /** Commands may use `with_additional_permissions` (Codex feature `exec_permission_approvals`). */
  execPermissionApprovals?: boolean;
  /** Client dynamic tools (routed to ctx.runDynamicTool). */
  dynamicTools?: DynamicToolSpec[];
}

export interface ToolRegistry {
  handlers: Map<string, ToolHandler>;
  /** The Responses `tools` array entries, in order. */
  specs: ToolSpec[];
  /** Look up a handler; web_search calls have no handler (the provider runs them). */
  get(name: string, namespace?: string): ToolHandler | undefined;
}
