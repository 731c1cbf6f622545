// The tool seam, part 4: what a handler gets (ToolContext), handlers and the registry (see ./types.ts).

import type { AdditionalPermissionProfile, AskForApproval, PermissionProfile } from "@codex-ts/protocol";
import type { Policy } from "@codex-ts/execpolicy";
import type { JsonSchema, ToolCall, ToolResult, ToolSpec } from "./types-calls.js";
import type { ApprovalRequest, ReviewDecision, SandboxPolicy, ToolEvent } from "./types-events.js";
import type { CommandRunner } from "./types-runner.js";

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
  skillScript?(
    argv: readonly string[],
    cwd: string,
  ): { skill: string; script: string; permissions: AdditionalPermissionProfile } | undefined;
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
