import type * as z from "zod";
import * as Mcp from "./mcp.js";
import * as N from "./notifications.js";
import * as M from "./notifications-more.js";
import * as R from "./requests.js";
import * as S from "./server-requests.js";
import * as T from "./tools.js";
import * as TR from "./turn-requests.js";

/**
 * The hand-written part of the v2 method tables: the methods codex-ts modelled by hand, with the
 * tolerant reading and legacy upgrades the generic generator cannot know. Every other method of the
 * official schema gets its schemas from ./generated (see ./codegen); protocol.ts merges both.
 */

export type MethodSpec = { params: z.ZodType; response: z.ZodType };

export const spec = <P extends z.ZodType, Res extends z.ZodType>(params: P, response: Res) => ({ params, response });

export const handwrittenClientRequestMethods = {
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
  "thread/goal/get": spec(TR.ThreadGoalGetParams, TR.ThreadGoalGetResponse),
  "thread/goal/set": spec(TR.ThreadGoalSetParams, TR.ThreadGoalSetResponse),
  "thread/goal/clear": spec(TR.ThreadGoalClearParams, TR.ThreadGoalClearResponse),
  "turn/start": spec(TR.TurnStartParams, TR.TurnStartResponse),
  "turn/interrupt": spec(TR.TurnInterruptParams, TR.TurnInterruptResponse),
  "turn/steer": spec(TR.TurnSteerParams, TR.TurnSteerResponse),
  "model/list": spec(TR.ModelListParams, TR.ModelListResponse),
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

export const handwrittenServerRequestMethods = {
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

export const handwrittenServerNotificationMethods = {
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
  "remoteControl/status/changed": M.RemoteControlStatusChangedNotification,
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
