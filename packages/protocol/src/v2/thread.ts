import * as z from "zod";
import { AbsolutePathBuf, Int, JsonValue, LegacyAppPathString, UInt, named, nul } from "./common.js";
import {
  AgentMessageModeration,
  AsyncUserInputQuestion,
  CollabAgentState,
  CollabAgentTool,
  CollabAgentToolCallStatus,
  CommandAction,
  CommandExecutionSource,
  CommandExecutionStatus,
  DynamicToolCallOutputContentItem,
  DynamicToolCallStatus,
  FileUpdateChange,
  FunctionCallOutputBody,
  HookPromptFragment,
  ImageGenerationFailure,
  ImageGenerationInputImage,
  McpAppUi,
  McpToolCallAppContext,
  McpToolCallError,
  McpToolCallResult,
  McpToolCallStatus,
  MemoryCitation,
  MessagePhase,
  PatchApplyStatus,
  ReasoningEffort,
  UserInput,
  WebSearchAction,
} from "./item-parts.js";
import { oneOfKeys } from "./one-of-keys.js";

/** `ThreadItem`, `Turn`, `Thread` and what they carry directly; the item parts are in ./item-parts.ts. */
export * from "./item-parts.js";

/* ---------------------------------------------------------------- ThreadItem */

/** Every item carries when it started and completed (Unix ms), `null` when unknown. */
const itemTimes = { startedAtMs: nul(Int), completedAtMs: nul(Int) };

const item = <L extends string, S extends z.ZodRawShape>(type: L, shape: S) =>
  z.object({ type: z.literal(type), id: z.string(), ...shape, ...itemTimes });

export const UserMessageItem = item("userMessage", {
  content: z.array(UserInput),
  clientId: nul(z.string()),
});
export const HookPromptItem = item("hookPrompt", { fragments: z.array(HookPromptFragment) });
export const AgentMessageItem = item("agentMessage", {
  text: z.string(),
  phase: nul(MessagePhase),
  delivery: nul(z.literal("async")),
  memoryCitation: nul(MemoryCitation),
  moderation: nul(AgentMessageModeration),
  questions: nul(z.array(AsyncUserInputQuestion)),
});
export const FunctionCallOutputItem = item("functionCallOutput", {
  name: z.string(),
  namespace: nul(z.string()),
  output: FunctionCallOutputBody,
});
export const PlanItem = item("plan", { text: z.string() });
export const ReasoningItem = item("reasoning", {
  summary: z.array(z.string()).default([]),
  content: z.array(z.string()).default([]),
});
export const CommandExecutionItem = item("commandExecution", {
  command: z.string(),
  cwd: LegacyAppPathString,
  processId: nul(z.string()),
  source: CommandExecutionSource.default("agent"),
  status: CommandExecutionStatus,
  commandActions: z.array(CommandAction),
  aggregatedOutput: nul(z.string()),
  exitCode: nul(Int),
  durationMs: nul(Int),
  pluginId: nul(z.string()),
  scriptPath: nul(z.string()),
});
export const FileChangeItem = item("fileChange", {
  changes: z.array(FileUpdateChange),
  status: PatchApplyStatus,
});
export const McpToolCallItem = item("mcpToolCall", {
  server: z.string(),
  tool: z.string(),
  status: McpToolCallStatus,
  arguments: JsonValue,
  appContext: nul(McpToolCallAppContext),
  mcpAppResourceUri: nul(z.string()),
  mcpAppUi: nul(McpAppUi),
  pluginId: nul(z.string()),
  readOnlyHint: nul(z.boolean()),
  result: nul(McpToolCallResult),
  error: nul(McpToolCallError),
  durationMs: nul(Int),
});
export const DynamicToolCallItem = item("dynamicToolCall", {
  namespace: nul(z.string()),
  tool: z.string(),
  arguments: JsonValue,
  status: DynamicToolCallStatus,
  contentItems: nul(z.array(DynamicToolCallOutputContentItem)),
  success: nul(z.boolean()),
  durationMs: nul(Int),
});
export const CollabAgentToolCallItem = item("collabAgentToolCall", {
  tool: CollabAgentTool,
  status: CollabAgentToolCallStatus,
  senderThreadId: z.string(),
  receiverThreadIds: z.array(z.string()),
  prompt: nul(z.string()),
  model: nul(z.string()),
  reasoningEffort: nul(ReasoningEffort),
  agentsStates: z.record(z.string(), CollabAgentState),
});
export const SubAgentActivityItem = item("subAgentActivity", {
  kind: z.enum(["started", "interacted", "interrupted", "completed"]),
  agentThreadId: z.string(),
  agentPath: z.string(),
  model: nul(z.string()),
  reasoningEffort: nul(ReasoningEffort),
});
export const WebSearchItem = item("webSearch", {
  query: z.string(),
  action: nul(WebSearchAction),
  results: nul(z.array(JsonValue)),
});
export const ImageViewItem = item("imageView", { path: LegacyAppPathString });
export const SleepItem = item("sleep", { durationMs: UInt });
const imageGenerationShape = {
  status: z.string(),
  revisedPrompt: nul(z.string()),
  savedPath: nul(AbsolutePathBuf),
  generationId: nul(z.string()),
  failure: nul(ImageGenerationFailure),
  inputImages: z.array(ImageGenerationInputImage).default([]),
  transparentBackground: nul(z.boolean()),
};
export const ImageGenerationItem = oneOfKeys(
  { type: z.literal("imageGeneration"), id: z.string(), ...imageGenerationShape, ...itemTimes },
  "result",
  "fileId",
);
export const EnteredReviewModeItem = item("enteredReviewMode", { review: z.string() });
export const ExitedReviewModeItem = item("exitedReviewMode", { review: z.string() });
export const ContextCompactionItem = item("contextCompaction", {});

export const ThreadItem = named(
  "ThreadItem",
  z.discriminatedUnion("type", [
    UserMessageItem,
    HookPromptItem,
    AgentMessageItem,
    FunctionCallOutputItem,
    PlanItem,
    ReasoningItem,
    CommandExecutionItem,
    FileChangeItem,
    McpToolCallItem,
    DynamicToolCallItem,
    CollabAgentToolCallItem,
    SubAgentActivityItem,
    WebSearchItem,
    ImageViewItem,
    SleepItem,
    ImageGenerationItem,
    EnteredReviewModeItem,
    ExitedReviewModeItem,
    ContextCompactionItem,
  ]),
);
export type ThreadItem = z.infer<typeof ThreadItem>;
export type ThreadItemType = ThreadItem["type"];

/* ---------------------------------------------------------------- Turn */

export const TurnStatus = named("TurnStatus", z.enum(["completed", "interrupted", "failed", "inProgress"]));
export type TurnStatus = z.infer<typeof TurnStatus>;

const httpStatus = z.object({ httpStatusCode: nul(UInt) });
export const CodexErrorInfo = named(
  "CodexErrorInfo",
  z.union([
    z.enum([
      "contextWindowExceeded",
      "sessionBudgetExceeded",
      "usageLimitExceeded",
      "rateLimitExceeded",
      "flexUnavailable",
      "serverOverloaded",
      "modelNotFound",
      "policyCapacityUnavailable",
      "cyberPolicy",
      "misalignmentPolicyViolation",
      "tooManyDenials",
      "internalServerError",
      "unauthorized",
      "badRequest",
      "threadRollbackFailed",
      "sandboxError",
      "other",
      "inferenceHookDenied",
    ]),
    z.object({ httpConnectionFailed: httpStatus }),
    z.object({ responseStreamConnectionFailed: httpStatus }),
    z.object({ responseStreamDisconnected: httpStatus }),
    z.object({ responseTooManyFailedAttempts: httpStatus }),
    z.object({ activeTurnNotSteerable: z.object({ turnKind: z.enum(["review", "compact"]) }) }),
    // Codex keeps the union open: a code or variant from a newer release still reads.
    z.string(),
    z.record(z.string(), JsonValue),
  ]),
);
export type CodexErrorInfo = z.infer<typeof CodexErrorInfo>;

export const TurnError = named(
  "TurnError",
  z.object({
    message: z.string(),
    codexErrorInfo: nul(CodexErrorInfo),
    additionalDetails: nul(z.string()),
    misalignment: nul(
      z.object({
        detailedExplanation: nul(z.string()),
        errorType: nul(z.string()),
        reviewTarget: nul(z.string()),
        steer: nul(z.object({ message: z.string() })),
      }),
    ),
  }),
);
export type TurnError = z.infer<typeof TurnError>;

export const TurnItemsView = named("TurnItemsView", z.enum(["notLoaded", "summary", "full"]));

export const Turn = named(
  "Turn",
  z.object({
    id: z.string(),
    items: z.array(ThreadItem),
    itemsView: TurnItemsView.optional(),
    status: TurnStatus,
    error: nul(TurnError),
    startedAt: nul(Int),
    completedAt: nul(Int),
    durationMs: nul(Int),
    rootTurnId: nul(z.string()),
  }),
);
export type Turn = z.infer<typeof Turn>;

/* ---------------------------------------------------------------- Thread */

export const ThreadActiveFlag = named(
  "ThreadActiveFlag",
  z.enum(["waitingOnApproval", "waitingOnUserInput"]),
);
export const ThreadStatus = named(
  "ThreadStatus",
  z.discriminatedUnion("type", [
    z.object({ type: z.literal("notLoaded") }),
    z.object({ type: z.literal("idle") }),
    z.object({ type: z.literal("systemError") }),
    z.object({ type: z.literal("active"), activeFlags: z.array(ThreadActiveFlag) }),
  ]),
);
export type ThreadStatus = z.infer<typeof ThreadStatus>;

export const SubAgentSource = named(
  "SubAgentSource",
  z.union([
    z.enum(["review", "compact", "memory_consolidation"]),
    z.object({
      thread_spawn: z.object({
        parent_thread_id: z.string(),
        depth: Int,
        agent_nickname: nul(z.string()),
        agent_path: nul(z.string()),
        agent_role: nul(z.string()),
      }),
    }),
    z.object({ other: z.string() }),
  ]),
);

export const SessionSource = named(
  "SessionSource",
  z.union([
    z.enum(["cli", "vscode", "exec", "appServer", "unknown"]),
    z.object({ custom: z.string() }),
    z.object({ subAgent: SubAgentSource }),
  ]),
);
export type SessionSource = z.infer<typeof SessionSource>;

export const GitInfo = named(
  "GitInfo",
  z.object({ sha: nul(z.string()), branch: nul(z.string()), originUrl: nul(z.string()) }),
);
export type GitInfo = z.infer<typeof GitInfo>;

export const ThreadSection = named(
  "ThreadSection",
  z.object({
    id: z.string(),
    name: z.string(),
    appearance: nul(z.object({ color: nul(z.string()), icon: nul(z.string()) })),
  }),
);

export const ThreadHistoryMode = named("ThreadHistoryMode", z.enum(["legacy", "paginated"]));

export const Thread = named(
  "Thread",
  z.object({
    id: z.string(),
    sessionId: z.string(),
    forkedFromId: nul(z.string()),
    parentThreadId: nul(z.string()),
    preview: z.string(),
    ephemeral: z.boolean(),
    modelProvider: z.string(),
    model: nul(z.string()),
    reasoningEffort: nul(ReasoningEffort),
    createdAt: Int,
    updatedAt: Int,
    recencyAt: nul(Int),
    status: ThreadStatus,
    path: nul(z.string()),
    cwd: AbsolutePathBuf,
    cliVersion: z.string(),
    source: SessionSource,
    threadSource: nul(z.string()),
    originator: nul(z.string()),
    agentNickname: nul(z.string()),
    agentRole: nul(z.string()),
    gitInfo: nul(GitInfo),
    name: nul(z.string()),
    projectId: nul(z.string()),
    section: nul(ThreadSection),
    sectionEnteredAt: nul(Int),
    historyMode: ThreadHistoryMode.optional(),
    turns: z.array(Turn),
  }),
);
export type Thread = z.infer<typeof Thread>;
