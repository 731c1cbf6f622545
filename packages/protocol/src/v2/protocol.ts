import * as z from "zod";
import { JSONRPCErrorCode, type JSONRPCErrorError, RequestId, describeZodError } from "../jsonrpc.js";
import { named } from "./common.js";
import * as N from "./notifications.js";
import * as M from "./notifications-more.js";
import * as Mcp from "./mcp.js";
import * as R from "./requests.js";
import * as S from "./server-requests.js";
import * as T from "./tools.js";

/**
 * The method tables of app-server v2 and the unions built from them.
 *
 * `clientRequestMethods[method]` gives `{ params, response }` for every client → server request;
 * `serverRequestMethods[method]` the same for server → client requests; `serverNotificationMethods`
 * maps a notification method to its params schema. The app-server dispatches on these.
 */

type MethodSpec = { params: z.ZodType; response: z.ZodType };

const spec = <P extends z.ZodType, Res extends z.ZodType>(params: P, response: Res) => ({ params, response });

export const clientRequestMethods = {
  initialize: spec(R.InitializeParams, R.InitializeResponse),
  "thread/start": spec(R.ThreadStartParams, R.ThreadStartResponse),
  "thread/resume": spec(R.ThreadResumeParams, R.ThreadResumeResponse),
  "thread/fork": spec(R.ThreadForkParams, R.ThreadForkResponse),
  "thread/read": spec(R.ThreadReadParams, R.ThreadReadResponse),
  "thread/list": spec(R.ThreadListParams, R.ThreadListResponse),
  "thread/loaded/list": spec(R.ThreadLoadedListParams, R.ThreadLoadedListResponse),
  "thread/archive": spec(R.ThreadArchiveParams, R.ThreadArchiveResponse),
  "thread/unarchive": spec(R.ThreadUnarchiveParams, R.ThreadUnarchiveResponse),
  "thread/name/set": spec(R.ThreadSetNameParams, R.ThreadSetNameResponse),
  "thread/unsubscribe": spec(R.ThreadUnsubscribeParams, R.ThreadUnsubscribeResponse),
  "thread/compact/start": spec(R.ThreadCompactStartParams, R.ThreadCompactStartResponse),
  "thread/goal/get": spec(R.ThreadGoalGetParams, R.ThreadGoalGetResponse),
  "thread/goal/set": spec(R.ThreadGoalSetParams, R.ThreadGoalSetResponse),
  "thread/goal/clear": spec(R.ThreadGoalClearParams, R.ThreadGoalClearResponse),
  "turn/start": spec(R.TurnStartParams, R.TurnStartResponse),
  "turn/interrupt": spec(R.TurnInterruptParams, R.TurnInterruptResponse),
  "turn/steer": spec(R.TurnSteerParams, R.TurnSteerResponse),
  "model/list": spec(R.ModelListParams, R.ModelListResponse),
  "config/read": spec(T.ConfigReadParams, T.ConfigReadResponse),
  "config/value/write": spec(T.ConfigValueWriteParams, T.ConfigWriteResponse),
  "config/batchWrite": spec(T.ConfigBatchWriteParams, T.ConfigWriteResponse),
  "skills/list": spec(T.SkillsListParams, T.SkillsListResponse),
  "skills/extraRoots/set": spec(T.SkillsExtraRootsSetParams, T.SkillsExtraRootsSetResponse),
  "skills/config/write": spec(T.SkillsConfigWriteParams, T.SkillsConfigWriteResponse),
  "hooks/list": spec(T.HooksListParams, T.HooksListResponse),
  "command/exec": spec(T.CommandExecParams, T.CommandExecResponse),
  "command/exec/write": spec(T.CommandExecWriteParams, T.CommandExecWriteResponse),
  "command/exec/terminate": spec(T.CommandExecTerminateParams, T.CommandExecTerminateResponse),
  "command/exec/resize": spec(T.CommandExecResizeParams, T.CommandExecResizeResponse),
  fuzzyFileSearch: spec(M.FuzzyFileSearchParams, M.FuzzyFileSearchResponse),
  "mcpServerStatus/list": spec(Mcp.ListMcpServerStatusParams, Mcp.ListMcpServerStatusResponse),
  "mcpServer/tool/call": spec(Mcp.McpServerToolCallParams, Mcp.McpServerToolCallResponse),
  "mcpServer/resource/read": spec(Mcp.McpResourceReadParams, Mcp.McpResourceReadResponse),
  "config/mcpServer/reload": spec(Mcp.McpServerRefreshParams, Mcp.McpServerRefreshResponse),
} satisfies Record<string, MethodSpec>;
export type ClientRequestMethod = keyof typeof clientRequestMethods;

export const serverRequestMethods = {
  "item/commandExecution/requestApproval": spec(
    S.CommandExecutionRequestApprovalParams,
    S.CommandExecutionRequestApprovalResponse,
  ),
  "item/fileChange/requestApproval": spec(
    S.FileChangeRequestApprovalParams,
    S.FileChangeRequestApprovalResponse,
  ),
  "item/permissions/requestApproval": spec(
    S.PermissionsRequestApprovalParams,
    S.PermissionsRequestApprovalResponse,
  ),
  "item/tool/call": spec(S.DynamicToolCallParams, S.DynamicToolCallResponse),
  "item/tool/requestUserInput": spec(S.ToolRequestUserInputParams, S.ToolRequestUserInputResponse),
  "mcpServer/elicitation/request": spec(
    S.McpServerElicitationRequestParams,
    S.McpServerElicitationRequestResponse,
  ),
} satisfies Record<string, MethodSpec>;
export type ServerRequestMethod = keyof typeof serverRequestMethods;

export const serverNotificationMethods = {
  error: N.ErrorNotification,
  "thread/started": N.ThreadStartedNotification,
  "thread/status/changed": N.ThreadStatusChangedNotification,
  "thread/archived": N.ThreadArchivedNotification,
  "thread/unarchived": N.ThreadUnarchivedNotification,
  "thread/closed": N.ThreadClosedNotification,
  "thread/name/updated": N.ThreadNameUpdatedNotification,
  "thread/goal/updated": N.ThreadGoalUpdatedNotification,
  "thread/goal/cleared": N.ThreadGoalClearedNotification,
  "thread/tokenUsage/updated": N.ThreadTokenUsageUpdatedNotification,
  "thread/compacted": N.ContextCompactedNotification,
  "skills/changed": N.SkillsChangedNotification,
  "turn/started": N.TurnStartedNotification,
  "turn/completed": N.TurnCompletedNotification,
  "turn/diff/updated": N.TurnDiffUpdatedNotification,
  "turn/plan/updated": N.TurnPlanUpdatedNotification,
  "hook/started": N.HookStartedNotification,
  "hook/completed": N.HookCompletedNotification,
  "item/started": N.ItemStartedNotification,
  "item/completed": N.ItemCompletedNotification,
  "item/agentMessage/delta": N.AgentMessageDeltaNotification,
  "item/plan/delta": N.PlanDeltaNotification,
  "item/commandExecution/outputDelta": N.CommandExecutionOutputDeltaNotification,
  "item/commandExecution/terminalInteraction": N.TerminalInteractionNotification,
  "item/fileChange/outputDelta": N.FileChangeOutputDeltaNotification,
  "item/fileChange/patchUpdated": N.FileChangePatchUpdatedNotification,
  "item/mcpToolCall/progress": N.McpToolCallProgressNotification,
  "item/reasoning/summaryTextDelta": N.ReasoningSummaryTextDeltaNotification,
  "item/reasoning/summaryPartAdded": N.ReasoningSummaryPartAddedNotification,
  "item/reasoning/textDelta": N.ReasoningTextDeltaNotification,
  "command/exec/outputDelta": N.CommandExecOutputDeltaNotification,
  "serverRequest/resolved": N.ServerRequestResolvedNotification,
  "model/rerouted": N.ModelReroutedNotification,
  warning: N.WarningNotification,
  configWarning: N.ConfigWarningNotification,
  "account/updated": M.AccountUpdatedNotification,
  "account/login/completed": M.AccountLoginCompletedNotification,
  "account/rateLimits/updated": M.AccountRateLimitsUpdatedNotification,
  "remoteControl/status/changed": M.RemoteControlStatusChangedNotification,
  "thread/readState/changed": M.ThreadReadStateChangedNotification,
  "thread/deleted": M.ThreadDeletedNotification,
  "thread/reverted": M.ThreadRevertedNotification,
  "thread/section/changed": M.ThreadSectionChangedNotification,
  "thread/attachment/updated": M.ThreadAttachmentUpdatedNotification,
  "fs/changed": M.FsChangedNotification,
  "fuzzyFileSearch/sessionUpdated": M.FuzzyFileSearchSessionUpdatedNotification,
  "fuzzyFileSearch/sessionCompleted": M.FuzzyFileSearchSessionCompletedNotification,
  deprecationNotice: M.DeprecationNoticeNotification,
  guardianWarning: M.GuardianWarningNotification,
  "windowsSandbox/setupCompleted": M.WindowsSandboxSetupCompletedNotification,
} satisfies Record<string, z.ZodType>;
export type ServerNotificationMethod = keyof typeof serverNotificationMethods;

export const clientNotificationMethods = { initialized: null } as const;
export type ClientNotificationMethod = keyof typeof clientNotificationMethods;

/* ---------------------------------------------------------------- unions */

type RequestShape<M extends string, P extends z.ZodType> = z.ZodObject<
  { id: typeof RequestId; method: z.ZodLiteral<M>; params: P },
  z.core.$strip
>;
type NotificationShape<M extends string, P extends z.ZodType> = z.ZodObject<
  { method: z.ZodLiteral<M>; params: P },
  z.core.$strip
>;

function requestUnion<Map extends Record<string, MethodSpec>>(table: Map) {
  type Variant = { [K in keyof Map & string]: RequestShape<K, Map[K]["params"]> }[keyof Map & string];
  const options = Object.entries(table).map(([method, entry]) =>
    z.object({ id: RequestId, method: z.literal(method), params: entry.params }),
  );
  return z.discriminatedUnion("method", options as unknown as [Variant, ...Variant[]]);
}

function notificationUnion<Map extends Record<string, z.ZodType>>(table: Map) {
  type Variant = { [K in keyof Map & string]: NotificationShape<K, Map[K]> }[keyof Map & string];
  const options = Object.entries(table).map(([method, params]) =>
    z.object({ method: z.literal(method), params }),
  );
  return z.discriminatedUnion("method", options as unknown as [Variant, ...Variant[]]);
}

/** Every client → server request, discriminated on `method`. */
export const ClientRequest = named("ClientRequest", requestUnion(clientRequestMethods));
export type ClientRequest = z.infer<typeof ClientRequest>;

/** Every server → client request, discriminated on `method`. */
export const ServerRequest = named("ServerRequest", requestUnion(serverRequestMethods));
export type ServerRequest = z.infer<typeof ServerRequest>;

/** Every server → client notification, discriminated on `method`. */
export const ServerNotification = named("ServerNotification", notificationUnion(serverNotificationMethods));
export type ServerNotification = z.infer<typeof ServerNotification>;

export const ClientNotification = named(
  "ClientNotification",
  z.discriminatedUnion("method", [z.object({ method: z.literal("initialized") })]),
);
export type ClientNotification = z.infer<typeof ClientNotification>;

export type ClientRequestParams<M extends ClientRequestMethod> = z.output<
  (typeof clientRequestMethods)[M]["params"]
>;
export type ClientRequestResponse<M extends ClientRequestMethod> = z.output<
  (typeof clientRequestMethods)[M]["response"]
>;
export type ServerRequestParams<M extends ServerRequestMethod> = z.output<
  (typeof serverRequestMethods)[M]["params"]
>;
export type ServerRequestResponse<M extends ServerRequestMethod> = z.output<
  (typeof serverRequestMethods)[M]["response"]
>;
export type ServerNotificationParams<M extends ServerNotificationMethod> = z.output<
  (typeof serverNotificationMethods)[M]
>;

export function isClientRequestMethod(method: string): method is ClientRequestMethod {
  return Object.hasOwn(clientRequestMethods, method);
}
export function isServerRequestMethod(method: string): method is ServerRequestMethod {
  return Object.hasOwn(serverRequestMethods, method);
}
export function isServerNotificationMethod(method: string): method is ServerNotificationMethod {
  return Object.hasOwn(serverNotificationMethods, method);
}

/**
 * Reads a client request (already framed as JSON-RPC) into a typed `ClientRequest`, or the JSON-RPC
 * error the server should answer with: -32601 for an unknown method, -32602 naming the bad path.
 * Never throws.
 */
export function parseClientRequest(
  value: unknown,
): { ok: true; request: ClientRequest } | { ok: false; error: JSONRPCErrorError } {
  const method =
    typeof value === "object" && value !== null ? (value as { method?: unknown }).method : undefined;
  if (typeof method === "string" && !isClientRequestMethod(method)) {
    return {
      ok: false,
      error: { code: JSONRPCErrorCode.MethodNotFound, message: `unknown method: ${method}` },
    };
  }
  const parsed = ClientRequest.safeParse(value);
  if (parsed.success) return { ok: true, request: parsed.data };
  return {
    ok: false,
    error: {
      code: JSONRPCErrorCode.InvalidParams,
      message: `invalid request: ${describeZodError(parsed.error)}`,
    },
  };
}
