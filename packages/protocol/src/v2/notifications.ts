import * as z from "zod";
import { Int, UInt, named, nul } from "./common.js";
import { RequestId } from "../jsonrpc.js";
import { ThreadGoal } from "./turn-requests.js";
import { HookEventName, HookSource } from "./tools.js";
import { FileUpdateChange, Thread, ThreadItem, ThreadStatus, Turn, TurnError } from "./thread.js";

/** Params of every server → client notification we cover. All written by the server. */

const inTurn = { threadId: z.string(), turnId: z.string() };
const inItem = { ...inTurn, itemId: z.string() };

/* ---------------------------------------------------------------- thread/* */

export const ThreadStartedNotification = named("ThreadStartedNotification", z.object({ thread: Thread }));
export const ThreadStatusChangedNotification = named(
  "ThreadStatusChangedNotification",
  z.object({ threadId: z.string(), status: ThreadStatus }),
);
export const ThreadArchivedNotification = named(
  "ThreadArchivedNotification",
  z.object({ threadId: z.string() }),
);
export const ThreadUnarchivedNotification = named(
  "ThreadUnarchivedNotification",
  z.object({ threadId: z.string() }),
);
export const ThreadClosedNotification = named("ThreadClosedNotification", z.object({ threadId: z.string() }));
export const ThreadNameUpdatedNotification = named(
  "ThreadNameUpdatedNotification",
  z.object({ threadId: z.string(), threadName: nul(z.string()) }),
);
export const ThreadGoalUpdatedNotification = named(
  "ThreadGoalUpdatedNotification",
  z.object({ threadId: z.string(), turnId: nul(z.string()), goal: ThreadGoal }),
);
export const ThreadGoalClearedNotification = named(
  "ThreadGoalClearedNotification",
  z.object({ threadId: z.string() }),
);

export const TokenUsageBreakdown = named(
  "TokenUsageBreakdown",
  z.object({
    totalTokens: Int,
    inputTokens: Int,
    cachedInputTokens: Int,
    cacheWriteInputTokens: Int.default(0),
    outputTokens: Int,
    reasoningOutputTokens: Int,
  }),
);
export type TokenUsageBreakdown = z.infer<typeof TokenUsageBreakdown>;
export const ThreadTokenUsage = named(
  "ThreadTokenUsage",
  z.object({ total: TokenUsageBreakdown, last: TokenUsageBreakdown, modelContextWindow: nul(Int) }),
);
export type ThreadTokenUsage = z.infer<typeof ThreadTokenUsage>;
export const ThreadTokenUsageUpdatedNotification = named(
  "ThreadTokenUsageUpdatedNotification",
  z.object({ ...inTurn, tokenUsage: ThreadTokenUsage }),
);
export const ContextCompactedNotification = named("ContextCompactedNotification", z.object(inTurn));

/* ---------------------------------------------------------------- turn/* */

export const TurnStartedNotification = named(
  "TurnStartedNotification",
  z.object({ threadId: z.string(), turn: Turn }),
);
export const TurnCompletedNotification = named(
  "TurnCompletedNotification",
  z.object({ threadId: z.string(), turn: Turn }),
);
export const TurnDiffUpdatedNotification = named(
  "TurnDiffUpdatedNotification",
  z.object({ ...inTurn, diff: z.string() }),
);
export const TurnPlanStepStatus = named("TurnPlanStepStatus", z.enum(["pending", "inProgress", "completed"]));
export const TurnPlanStep = named("TurnPlanStep", z.object({ step: z.string(), status: TurnPlanStepStatus }));
export const TurnPlanUpdatedNotification = named(
  "TurnPlanUpdatedNotification",
  z.object({ ...inTurn, explanation: nul(z.string()), plan: z.array(TurnPlanStep) }),
);

/* ---------------------------------------------------------------- item/* */

export const ItemStartedNotification = named(
  "ItemStartedNotification",
  z.object({ ...inTurn, item: ThreadItem, startedAtMs: Int }),
);
export const ItemCompletedNotification = named(
  "ItemCompletedNotification",
  z.object({ ...inTurn, item: ThreadItem, completedAtMs: Int, contentTokenCount: nul(UInt) }),
);
const textDelta = (id: string) => named(id, z.object({ ...inItem, delta: z.string() }));
export const AgentMessageDeltaNotification = textDelta("AgentMessageDeltaNotification");
export const PlanDeltaNotification = textDelta("PlanDeltaNotification");
export const CommandExecutionOutputDeltaNotification = textDelta("CommandExecutionOutputDeltaNotification");
export const FileChangeOutputDeltaNotification = textDelta("FileChangeOutputDeltaNotification");
export const TerminalInteractionNotification = named(
  "TerminalInteractionNotification",
  z.object({ ...inItem, processId: z.string(), stdin: z.string() }),
);
export const FileChangePatchUpdatedNotification = named(
  "FileChangePatchUpdatedNotification",
  z.object({ ...inItem, changes: z.array(FileUpdateChange) }),
);
export const McpToolCallProgressNotification = named(
  "McpToolCallProgressNotification",
  z.object({ ...inItem, message: z.string() }),
);
export const ReasoningSummaryTextDeltaNotification = named(
  "ReasoningSummaryTextDeltaNotification",
  z.object({ ...inItem, delta: z.string(), summaryIndex: Int }),
);
export const ReasoningSummaryPartAddedNotification = named(
  "ReasoningSummaryPartAddedNotification",
  z.object({ ...inItem, summaryIndex: Int }),
);
export const ReasoningTextDeltaNotification = named(
  "ReasoningTextDeltaNotification",
  z.object({ ...inItem, delta: z.string(), contentIndex: Int }),
);

/* ---------------------------------------------------------------- command/exec */

export const CommandExecOutputDeltaNotification = named(
  "CommandExecOutputDeltaNotification",
  z.object({
    processId: z.string(),
    stream: z.enum(["stdout", "stderr"]),
    deltaBase64: z.string(),
    capReached: z.boolean(),
  }),
);

/* ---------------------------------------------------------------- hooks */

export const HookRunStatus = named(
  "HookRunStatus",
  z.enum(["running", "completed", "failed", "blocked", "stopped"]),
);
export const HookOutputEntry = named(
  "HookOutputEntry",
  z.object({ kind: z.enum(["warning", "stop", "feedback", "context", "error"]), text: z.string() }),
);
export const HookRunSummary = named(
  "HookRunSummary",
  z.object({
    id: z.string(),
    eventName: HookEventName,
    handlerType: z.enum(["command", "mcpTool", "prompt", "agent"]),
    executionMode: z.enum(["sync", "async"]),
    scope: z.enum(["thread", "turn"]),
    source: HookSource.default("unknown"),
    sourcePath: z.string(),
    displayOrder: Int,
    status: HookRunStatus,
    statusMessage: nul(z.string()),
    startedAt: Int,
    completedAt: nul(Int),
    durationMs: nul(Int),
    entries: z.array(HookOutputEntry),
  }),
);
export type HookRunSummary = z.infer<typeof HookRunSummary>;
export const HookStartedNotification = named(
  "HookStartedNotification",
  z.object({ threadId: z.string(), turnId: nul(z.string()), run: HookRunSummary }),
);
export const HookCompletedNotification = named(
  "HookCompletedNotification",
  z.object({ threadId: z.string(), turnId: nul(z.string()), run: HookRunSummary }),
);

/* ---------------------------------------------------------------- misc */

export const ServerRequestResolvedNotification = named(
  "ServerRequestResolvedNotification",
  z.object({ threadId: z.string(), requestId: RequestId }),
);
export const SkillsChangedNotification = named("SkillsChangedNotification", z.object({}));
export const WarningNotification = named(
  "WarningNotification",
  z.object({ threadId: nul(z.string()), message: z.string() }),
);
export const ErrorNotification = named(
  "ErrorNotification",
  z.object({ ...inTurn, error: TurnError, willRetry: z.boolean() }),
);
export const TextPosition = named("TextPosition", z.object({ line: UInt, column: UInt }));
export const TextRange = named("TextRange", z.object({ start: TextPosition, end: TextPosition }));
export const ConfigWarningNotification = named(
  "ConfigWarningNotification",
  z.object({ summary: z.string(), details: nul(z.string()), path: nul(z.string()), range: nul(TextRange) }),
);
export const ModelReroutedNotification = named(
  "ModelReroutedNotification",
  z.object({
    ...inTurn,
    fromModel: z.string(),
    toModel: z.string(),
    reason: z.enum(["highRiskCyberActivity"]),
  }),
);
