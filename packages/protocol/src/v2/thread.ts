import * as z from "zod";
import { AbsolutePathBuf, Int, JsonValue, LegacyAppPathString, UInt, named, nul } from "./common.js";

/* ---------------------------------------------------------------- enums and small shapes */

export const ReasoningEffort = named("ReasoningEffort", z.string());
export type ReasoningEffort = z.infer<typeof ReasoningEffort>;

export const ImageDetail = named("ImageDetail", z.enum(["auto", "low", "high", "original"]));
export type ImageDetail = z.infer<typeof ImageDetail>;

export const MessagePhase = named("MessagePhase", z.enum(["commentary", "partial_answer", "final_answer"]));
export type MessagePhase = z.infer<typeof MessagePhase>;

export const ByteRange = named("ByteRange", z.object({ start: UInt, end: UInt }));
export type ByteRange = z.infer<typeof ByteRange>;

export const TextElement = named(
  "TextElement",
  z.object({ byteRange: ByteRange, placeholder: nul(z.string()) }),
);
export type TextElement = z.infer<typeof TextElement>;

/* ---------------------------------------------------------------- UserInput */

/**
 * Shapes that carry their payload either by URL or by uploaded file id: exactly one of the two keys.
 * (One object with a check rather than a nested union, so the outer union stays discriminated.)
 */
function oneOfKeys<S extends z.ZodRawShape, A extends string, B extends string>(shape: S, a: A, b: B) {
  return z
    .object({ ...shape, [a]: z.string().optional(), [b]: z.string().optional() } as S &
      Record<A | B, z.ZodOptional<z.ZodString>>)
    .superRefine((value, ctx) => {
      const record = value as Record<string, unknown>;
      if ((record[a] === undefined) === (record[b] === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: [a],
          message: `exactly one of \`${a}\` and \`${b}\` is required`,
        });
      }
    });
}
const urlOrFileId = <S extends z.ZodRawShape>(shape: S) => oneOfKeys(shape, "url", "fileId");

export const UserInput = named(
  "UserInput",
  z.discriminatedUnion("type", [
    z.object({ type: z.literal("text"), text: z.string(), text_elements: z.array(TextElement).default([]) }),
    urlOrFileId({ type: z.literal("image"), detail: nul(ImageDetail) }),
    z.object({ type: z.literal("localImage"), path: z.string(), detail: nul(ImageDetail) }),
    urlOrFileId({ type: z.literal("audio") }),
    z.object({ type: z.literal("localAudio"), path: z.string() }),
    z.object({ type: z.literal("skill"), name: z.string(), path: z.string() }),
    z.object({ type: z.literal("mention"), name: z.string(), path: z.string() }),
  ]),
);
export type UserInput = z.infer<typeof UserInput>;

/* ---------------------------------------------------------------- ThreadItem parts */

export const CommandAction = named(
  "CommandAction",
  z.discriminatedUnion("type", [
    z.object({ type: z.literal("read"), command: z.string(), name: z.string(), path: LegacyAppPathString }),
    z.object({ type: z.literal("listFiles"), command: z.string(), path: nul(z.string()) }),
    z.object({
      type: z.literal("search"),
      command: z.string(),
      path: nul(z.string()),
      query: nul(z.string()),
    }),
    z.object({ type: z.literal("unknown"), command: z.string() }),
  ]),
);
export type CommandAction = z.infer<typeof CommandAction>;

export const CommandExecutionStatus = named(
  "CommandExecutionStatus",
  z.enum(["inProgress", "completed", "failed", "declined"]),
);
export type CommandExecutionStatus = z.infer<typeof CommandExecutionStatus>;

export const CommandExecutionSource = named(
  "CommandExecutionSource",
  z.enum(["agent", "userShell", "unifiedExecStartup", "unifiedExecInteraction"]),
);
export type CommandExecutionSource = z.infer<typeof CommandExecutionSource>;

export const PatchChangeKind = named(
  "PatchChangeKind",
  z.discriminatedUnion("type", [
    z.object({ type: z.literal("add") }),
    z.object({ type: z.literal("delete") }),
    z.object({ type: z.literal("update"), move_path: nul(z.string()) }),
  ]),
);
export type PatchChangeKind = z.infer<typeof PatchChangeKind>;

export const FileUpdateChange = named(
  "FileUpdateChange",
  z.object({ path: z.string(), kind: PatchChangeKind, diff: z.string() }),
);
export type FileUpdateChange = z.infer<typeof FileUpdateChange>;

export const PatchApplyStatus = named(
  "PatchApplyStatus",
  z.enum(["inProgress", "completed", "failed", "declined"]),
);
export type PatchApplyStatus = z.infer<typeof PatchApplyStatus>;

export const McpToolCallStatus = named("McpToolCallStatus", z.enum(["inProgress", "completed", "failed"]));
export type McpToolCallStatus = z.infer<typeof McpToolCallStatus>;

export const McpToolCallResult = named(
  "McpToolCallResult",
  z.object({
    content: z.array(JsonValue),
    structuredContent: JsonValue.optional(),
    _meta: JsonValue.optional(),
  }),
);
export type McpToolCallResult = z.infer<typeof McpToolCallResult>;

export const McpToolCallError = named("McpToolCallError", z.object({ message: z.string() }));
export type McpToolCallError = z.infer<typeof McpToolCallError>;

export const McpToolCallAppContext = named(
  "McpToolCallAppContext",
  z.object({
    connectorId: z.string(),
    actionName: nul(z.string()),
    appName: nul(z.string()),
    linkId: nul(z.string()),
    resourceUri: nul(z.string()),
  }),
);
export type McpToolCallAppContext = z.infer<typeof McpToolCallAppContext>;

export const McpAppUi = named(
  "McpAppUi",
  z.object({ preferredModelDisplayMode: z.enum(["inline", "fullscreen"]), resourceUri: z.string() }),
);
export type McpAppUi = z.infer<typeof McpAppUi>;

export const DynamicToolCallStatus = named(
  "DynamicToolCallStatus",
  z.enum(["inProgress", "completed", "failed"]),
);
export type DynamicToolCallStatus = z.infer<typeof DynamicToolCallStatus>;

export const DynamicToolCallOutputContentItem = named(
  "DynamicToolCallOutputContentItem",
  z.discriminatedUnion("type", [
    z.object({ type: z.literal("inputText"), text: z.string() }),
    z.object({ type: z.literal("inputImage"), imageUrl: z.string() }),
    z.object({ type: z.literal("inputAudio"), audioUrl: z.string() }),
  ]),
);
export type DynamicToolCallOutputContentItem = z.infer<typeof DynamicToolCallOutputContentItem>;

/** The v2 (camelCase) web search action. The Responses API one is `ResponsesApiWebSearchAction`. */
export const WebSearchAction = named(
  "WebSearchAction",
  z.discriminatedUnion("type", [
    z.object({ type: z.literal("search"), query: nul(z.string()), queries: nul(z.array(z.string())) }),
    z.object({ type: z.literal("openPage"), url: nul(z.string()) }),
    z.object({ type: z.literal("findInPage"), url: nul(z.string()), pattern: nul(z.string()) }),
    z.object({ type: z.literal("other") }),
  ]),
);
export type WebSearchAction = z.infer<typeof WebSearchAction>;

export const HookPromptFragment = named(
  "HookPromptFragment",
  z.object({ text: z.string(), hookRunId: z.string() }),
);
export type HookPromptFragment = z.infer<typeof HookPromptFragment>;

export const MemoryCitationEntry = named(
  "MemoryCitationEntry",
  z.object({ path: z.string(), lineStart: UInt, lineEnd: UInt, note: z.string() }),
);
export const MemoryCitation = named(
  "MemoryCitation",
  z.object({ entries: z.array(MemoryCitationEntry), threadIds: z.array(z.string()) }),
);
export type MemoryCitation = z.infer<typeof MemoryCitation>;

export const AgentMessageModeration = named(
  "AgentMessageModeration",
  z.object({
    moderated: z.boolean(),
    display: nul(
      z.object({
        action: z.string(),
        blockType: nul(z.string()),
        checkTrustedContacts: nul(z.boolean()),
        cyberTrustedAccess: nul(z.boolean()),
      }),
    ),
  }),
);

export const AsyncUserInputQuestion = named(
  "AsyncUserInputQuestion",
  z.object({ title: z.string(), options: nul(z.array(z.string())) }),
);

/** Function-call output as the Responses API carries it (snake_case content items). */
export const FunctionCallOutputContentItem = named(
  "FunctionCallOutputContentItem",
  z.discriminatedUnion("type", [
    z.object({ type: z.literal("input_text"), text: z.string() }),
    oneOfKeys({ type: z.literal("input_image"), detail: nul(ImageDetail) }, "image_url", "file_id"),
    oneOfKeys({ type: z.literal("input_audio") }, "audio_url", "file_id"),
    z.object({ type: z.literal("encrypted_content"), encrypted_content: z.string() }),
  ]),
);
export const FunctionCallOutputBody = named(
  "FunctionCallOutputBody",
  z.union([z.string(), z.array(FunctionCallOutputContentItem)]),
);
export type FunctionCallOutputBody = z.infer<typeof FunctionCallOutputBody>;

export const CollabAgentStatus = named(
  "CollabAgentStatus",
  z.enum(["pendingInit", "running", "interrupted", "completed", "errored", "shutdown", "notFound"]),
);
export const CollabAgentState = named(
  "CollabAgentState",
  z.object({ status: CollabAgentStatus, message: nul(z.string()) }),
);
export const CollabAgentTool = named(
  "CollabAgentTool",
  z.enum([
    "spawnAgent",
    "sendInput",
    "resumeAgent",
    "wait",
    "closeAgent",
    "sendMessage",
    "followupTask",
    "interruptAgent",
    "listAgents",
  ]),
);
export const CollabAgentToolCallStatus = named(
  "CollabAgentToolCallStatus",
  z.enum(["inProgress", "completed", "failed", "interrupted"]),
);

export const ImageGenerationInputImage = named(
  "ImageGenerationInputImage",
  z.object({ path: AbsolutePathBuf, sha256: z.string() }),
);
export const ImageGenerationFailure = named(
  "ImageGenerationFailure",
  z.object({ type: z.literal("usageLimitExceeded"), limitId: z.string(), resetsAt: nul(Int) }),
);

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
