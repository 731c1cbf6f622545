import * as z from "zod";
import { AbsolutePathBuf, Int, JsonValue, LegacyAppPathString, UInt, named, nul, opt } from "./common.js";
import {
  ApprovalsReviewer,
  AskForApproval,
  ModeKind,
  Personality,
  ReasoningSummary,
  SandboxMode,
  SandboxPolicy,
} from "./policy.js";
import { FunctionCallOutputBody, ReasoningEffort, Thread, Turn, UserInput } from "./thread.js";

/** Params and responses of the client → server requests (thread, turn, model). */

const EmptyResponse = () => z.object({});

/* ---------------------------------------------------------------- initialize */

export const ClientInfo = named(
  "ClientInfo",
  z.object({ name: z.string(), title: opt(z.string()), version: z.string() }),
);
export type ClientInfo = z.infer<typeof ClientInfo>;

export const InitializeCapabilities = named(
  "InitializeCapabilities",
  z.object({
    experimentalApi: opt(z.boolean()),
    explicitGatewayOauth: opt(z.boolean()),
    extensions: opt(z.record(z.string(), JsonValue)),
    mcpServerOpenaiFormElicitation: opt(z.boolean()),
    optOutNotificationMethods: opt(z.array(z.string())),
    requestAttestation: opt(z.boolean()),
    requiredHumanApproval: opt(z.boolean()),
  }),
);
export type InitializeCapabilities = z.infer<typeof InitializeCapabilities>;

export const InitializeParams = named(
  "InitializeParams",
  z.object({ clientInfo: ClientInfo, capabilities: opt(InitializeCapabilities) }),
);
export type InitializeParams = z.infer<typeof InitializeParams>;

export const InitializeResponse = named(
  "InitializeResponse",
  z.object({
    userAgent: z.string(),
    codexHome: AbsolutePathBuf,
    platformFamily: z.string(),
    platformOs: z.string(),
  }),
);
export type InitializeResponse = z.infer<typeof InitializeResponse>;

/* ---------------------------------------------------------------- thread settings shared by start/resume/fork */

const threadOverrides = {
  model: opt(z.string()),
  modelProvider: opt(z.string()),
  serviceTier: opt(z.string()),
  cwd: opt(z.string()),
  approvalPolicy: opt(AskForApproval),
  approvalsReviewer: opt(ApprovalsReviewer),
  sandbox: opt(SandboxMode),
  config: opt(z.record(z.string(), JsonValue)),
  baseInstructions: opt(z.string()),
  developerInstructions: opt(z.string()),
};

/** What thread/start, thread/resume and thread/fork answer besides the thread itself. */
const threadSessionFields = {
  thread: Thread,
  model: z.string(),
  modelProvider: z.string(),
  serviceTier: nul(z.string()),
  cwd: AbsolutePathBuf,
  instructionSources: z.array(LegacyAppPathString).default([]),
  approvalPolicy: AskForApproval,
  approvalsReviewer: ApprovalsReviewer,
  sandbox: SandboxPolicy,
  reasoningEffort: nul(ReasoningEffort),
  disabledPluginIds: z.array(z.string()).default([]),
};

const DynamicToolFunction = z.object({
  type: z.literal("function"),
  name: z.string(),
  description: z.string(),
  inputSchema: JsonValue,
  deferLoading: opt(z.boolean()),
});

/** A client-provided tool (experimental): calls come back as `item/tool/call` server requests. */
export const DynamicToolSpec = named(
  "DynamicToolSpec",
  z.discriminatedUnion("type", [
    DynamicToolFunction,
    z.object({
      type: z.literal("namespace"),
      name: z.string(),
      description: z.string(),
      tools: z.array(DynamicToolFunction),
    }),
  ]),
);
export type DynamicToolSpec = z.infer<typeof DynamicToolSpec>;

export const ThreadStartParams = named(
  "ThreadStartParams",
  z.object({
    ...threadOverrides,
    personality: opt(Personality),
    ephemeral: opt(z.boolean()),
    serviceName: opt(z.string()),
    sessionStartSource: opt(z.enum(["startup", "clear"])),
    threadSource: opt(z.string()),
    /** Experimental (needs `capabilities.experimentalApi`). */
    dynamicTools: opt(z.array(DynamicToolSpec)),
  }),
);
export type ThreadStartParams = z.infer<typeof ThreadStartParams>;

export const ThreadStartResponse = named("ThreadStartResponse", z.object(threadSessionFields));
export type ThreadStartResponse = z.infer<typeof ThreadStartResponse>;

export const ThreadResumeParams = named(
  "ThreadResumeParams",
  z.object({
    threadId: z.string(),
    ...threadOverrides,
    personality: opt(Personality),
    excludeTurns: opt(z.boolean()),
    /** Experimental: resume from this rollout file. */
    path: opt(z.string()),
  }),
);
export type ThreadResumeParams = z.infer<typeof ThreadResumeParams>;

export const CollaborationMode = named(
  "CollaborationMode",
  z.object({
    mode: ModeKind,
    settings: z.object({
      model: z.string(),
      reasoning_effort: nul(ReasoningEffort),
      developer_instructions: nul(z.string()),
    }),
  }),
);
export type CollaborationMode = z.infer<typeof CollaborationMode>;

export const ThreadResumeResponse = named(
  "ThreadResumeResponse",
  z.object({
    ...threadSessionFields,
    collaborationMode: nul(CollaborationMode),
    itemsBackwardsCursor: nul(z.string()),
    turnsBackwardsCursor: nul(z.string()),
  }),
);
export type ThreadResumeResponse = z.infer<typeof ThreadResumeResponse>;

export const ThreadForkParams = named(
  "ThreadForkParams",
  z.object({
    threadId: z.string(),
    ...threadOverrides,
    ephemeral: opt(z.boolean()),
    excludeTurns: opt(z.boolean()),
    lastTurnId: opt(z.string()),
    /** Experimental: fork from this rollout file. */
    path: opt(z.string()),
    threadSource: opt(z.string()),
  }),
);
export type ThreadForkParams = z.infer<typeof ThreadForkParams>;

export const ThreadForkResponse = named("ThreadForkResponse", z.object(threadSessionFields));
export type ThreadForkResponse = z.infer<typeof ThreadForkResponse>;

export const ThreadReadParams = named(
  "ThreadReadParams",
  z.object({ threadId: z.string(), includeTurns: opt(z.boolean()) }),
);
export type ThreadReadParams = z.infer<typeof ThreadReadParams>;

export const ThreadReadResponse = named("ThreadReadResponse", z.object({ thread: Thread }));
export type ThreadReadResponse = z.infer<typeof ThreadReadResponse>;

export const ThreadSortKey = named(
  "ThreadSortKey",
  z.enum(["created_at", "updated_at", "recency_at", "section_position"]),
);
export const SortDirection = named("SortDirection", z.enum(["asc", "desc"]));
export const ThreadSourceKind = named(
  "ThreadSourceKind",
  z.enum([
    "cli",
    "vscode",
    "exec",
    "appServer",
    "subAgent",
    "subAgentReview",
    "subAgentCompact",
    "subAgentThreadSpawn",
    "subAgentOther",
    "unknown",
  ]),
);
export type ThreadSourceKind = z.infer<typeof ThreadSourceKind>;

export const ThreadListParams = named(
  "ThreadListParams",
  z.object({
    cursor: opt(z.string()),
    limit: opt(UInt),
    sortKey: opt(ThreadSortKey),
    sortDirection: opt(SortDirection),
    modelProviders: opt(z.array(z.string())),
    sourceKinds: opt(z.array(ThreadSourceKind)),
    archived: opt(z.boolean()),
    cwd: opt(z.union([z.string(), z.array(z.string())])),
    searchTerm: opt(z.string()),
    sectionId: opt(z.string()),
    originators: opt(z.array(z.string())),
    excludedThreadIds: opt(z.array(z.string())),
    currentAccountOnly: opt(z.boolean()),
    useStateDbOnly: opt(z.boolean()),
  }),
);
export type ThreadListParams = z.infer<typeof ThreadListParams>;

export const ThreadListResponse = named(
  "ThreadListResponse",
  z.object({ data: z.array(Thread), nextCursor: nul(z.string()), backwardsCursor: nul(z.string()) }),
);
export type ThreadListResponse = z.infer<typeof ThreadListResponse>;

export const ThreadLoadedListParams = named(
  "ThreadLoadedListParams",
  z.object({ cursor: opt(z.string()), limit: opt(UInt) }),
);
export type ThreadLoadedListParams = z.infer<typeof ThreadLoadedListParams>;

export const ThreadLoadedListResponse = named(
  "ThreadLoadedListResponse",
  z.object({ data: z.array(z.string()), nextCursor: nul(z.string()) }),
);
export type ThreadLoadedListResponse = z.infer<typeof ThreadLoadedListResponse>;

const threadIdOnly = () => z.object({ threadId: z.string() });

export const ThreadArchiveParams = named("ThreadArchiveParams", threadIdOnly());
export const ThreadArchiveResponse = named("ThreadArchiveResponse", EmptyResponse());
export const ThreadUnarchiveParams = named("ThreadUnarchiveParams", threadIdOnly());
export const ThreadUnarchiveResponse = named("ThreadUnarchiveResponse", z.object({ thread: Thread }));
export const ThreadSetNameParams = named(
  "ThreadSetNameParams",
  z.object({ threadId: z.string(), name: z.string() }),
);
export const ThreadSetNameResponse = named("ThreadSetNameResponse", EmptyResponse());
export const ThreadUnsubscribeParams = named("ThreadUnsubscribeParams", threadIdOnly());
export const ThreadUnsubscribeStatus = named(
  "ThreadUnsubscribeStatus",
  z.enum(["notLoaded", "notSubscribed", "unsubscribed"]),
);
export const ThreadUnsubscribeResponse = named(
  "ThreadUnsubscribeResponse",
  z.object({ status: ThreadUnsubscribeStatus }),
);
export const ThreadCompactStartParams = named("ThreadCompactStartParams", threadIdOnly());
export const ThreadCompactStartResponse = named("ThreadCompactStartResponse", EmptyResponse());
export type ThreadArchiveParams = z.infer<typeof ThreadArchiveParams>;
export type ThreadArchiveResponse = z.infer<typeof ThreadArchiveResponse>;
export type ThreadUnarchiveParams = z.infer<typeof ThreadUnarchiveParams>;
export type ThreadUnarchiveResponse = z.infer<typeof ThreadUnarchiveResponse>;
export type ThreadSetNameParams = z.infer<typeof ThreadSetNameParams>;
export type ThreadSetNameResponse = z.infer<typeof ThreadSetNameResponse>;
export type ThreadUnsubscribeParams = z.infer<typeof ThreadUnsubscribeParams>;
export type ThreadUnsubscribeResponse = z.infer<typeof ThreadUnsubscribeResponse>;
export type ThreadCompactStartParams = z.infer<typeof ThreadCompactStartParams>;
export type ThreadCompactStartResponse = z.infer<typeof ThreadCompactStartResponse>;

/* ---------------------------------------------------------------- goals */

export const ThreadGoalStatus = named(
  "ThreadGoalStatus",
  z.enum(["active", "paused", "blocked", "usageLimited", "budgetLimited", "complete"]),
);
export type ThreadGoalStatus = z.infer<typeof ThreadGoalStatus>;

export const ThreadGoal = named(
  "ThreadGoal",
  z.object({
    threadId: z.string(),
    objective: z.string(),
    status: ThreadGoalStatus,
    tokenBudget: nul(Int),
    tokensUsed: Int,
    timeUsedSeconds: Int,
    createdAt: Int,
    updatedAt: Int,
  }),
);
export type ThreadGoal = z.infer<typeof ThreadGoal>;

export const ThreadGoalMutationOrigin = named("ThreadGoalMutationOrigin", z.enum(["user", "automatic"]));

export const ThreadGoalGetParams = named("ThreadGoalGetParams", threadIdOnly());
export const ThreadGoalGetResponse = named("ThreadGoalGetResponse", z.object({ goal: nul(ThreadGoal) }));
export const ThreadGoalSetParams = named(
  "ThreadGoalSetParams",
  z.object({
    threadId: z.string(),
    objective: opt(z.string()),
    status: opt(ThreadGoalStatus),
    tokenBudget: opt(Int),
    origin: opt(ThreadGoalMutationOrigin),
  }),
);
export const ThreadGoalSetResponse = named("ThreadGoalSetResponse", z.object({ goal: ThreadGoal }));
export const ThreadGoalClearParams = named(
  "ThreadGoalClearParams",
  z.object({ threadId: z.string(), origin: opt(ThreadGoalMutationOrigin) }),
);
export const ThreadGoalClearResponse = named("ThreadGoalClearResponse", z.object({ cleared: z.boolean() }));
export type ThreadGoalGetParams = z.infer<typeof ThreadGoalGetParams>;
export type ThreadGoalGetResponse = z.infer<typeof ThreadGoalGetResponse>;
export type ThreadGoalSetParams = z.infer<typeof ThreadGoalSetParams>;
export type ThreadGoalSetResponse = z.infer<typeof ThreadGoalSetResponse>;
export type ThreadGoalClearParams = z.infer<typeof ThreadGoalClearParams>;
export type ThreadGoalClearResponse = z.infer<typeof ThreadGoalClearResponse>;

/* ---------------------------------------------------------------- turns */

export const TurnToolOutput = named(
  "TurnToolOutput",
  z.object({
    name: z.string(),
    namespace: opt(z.string()),
    output: FunctionCallOutputBody,
    retain: opt(z.boolean()),
  }),
);

export const TurnStartParams = named(
  "TurnStartParams",
  z.object({
    threadId: z.string(),
    input: z.array(UserInput),
    clientUserMessageId: opt(z.string()),
    cwd: opt(z.string()),
    approvalPolicy: opt(AskForApproval),
    approvalsReviewer: opt(ApprovalsReviewer),
    sandboxPolicy: opt(SandboxPolicy),
    model: opt(z.string()),
    serviceTier: opt(z.string()),
    serviceTierForTurn: opt(z.string()),
    effort: opt(ReasoningEffort),
    summary: opt(ReasoningSummary),
    personality: opt(Personality),
    outputSchema: opt(JsonValue),
    disabledPluginIds: opt(z.array(z.string())),
    parentTurnId: opt(z.string()),
    rootTurnId: opt(z.string()),
    toolOutput: opt(TurnToolOutput),
    turnTrigger: opt(z.string()),
    /** Experimental: a preset collaboration mode; wins over model/effort/developer instructions. */
    collaborationMode: opt(CollaborationMode),
  }),
);
export type TurnStartParams = z.infer<typeof TurnStartParams>;

export const TurnStartResponse = named("TurnStartResponse", z.object({ turn: Turn }));
export type TurnStartResponse = z.infer<typeof TurnStartResponse>;

export const TurnInterruptParams = named(
  "TurnInterruptParams",
  z.object({ threadId: z.string(), turnId: z.string() }),
);
export const TurnInterruptResponse = named("TurnInterruptResponse", EmptyResponse());
export const TurnSteerParams = named(
  "TurnSteerParams",
  z.object({
    threadId: z.string(),
    expectedTurnId: z.string(),
    input: z.array(UserInput),
    clientUserMessageId: opt(z.string()),
  }),
);
export const TurnSteerResponse = named("TurnSteerResponse", z.object({ turnId: z.string() }));
export type TurnInterruptParams = z.infer<typeof TurnInterruptParams>;
export type TurnInterruptResponse = z.infer<typeof TurnInterruptResponse>;
export type TurnSteerParams = z.infer<typeof TurnSteerParams>;
export type TurnSteerResponse = z.infer<typeof TurnSteerResponse>;

/* ---------------------------------------------------------------- models */

export const ModelListParams = named(
  "ModelListParams",
  z.object({
    cursor: opt(z.string()),
    limit: opt(UInt),
    includeHidden: opt(z.boolean()),
    modelProvider: opt(z.string()),
  }),
);
export type ModelListParams = z.infer<typeof ModelListParams>;

export const ReasoningEffortOption = named(
  "ReasoningEffortOption",
  z.object({ reasoningEffort: ReasoningEffort, description: z.string() }),
);
export const InputModality = named("InputModality", z.enum(["text", "image", "audio"]));

export const Model = named(
  "Model",
  z.object({
    id: z.string(),
    model: z.string(),
    displayName: z.string(),
    description: z.string(),
    hidden: z.boolean(),
    isDefault: z.boolean(),
    defaultReasoningEffort: ReasoningEffort,
    supportedReasoningEfforts: z.array(ReasoningEffortOption),
    inputModalities: z.array(InputModality).default(["text", "image"]),
    supportsPersonality: z.boolean().default(false),
    additionalSpeedTiers: z.array(z.string()).default([]),
    serviceTiers: z
      .array(z.object({ id: z.string(), name: z.string(), description: z.string() }))
      .default([]),
    defaultServiceTier: nul(z.string()),
    modelSpecialty: nul(z.string()),
    upgrade: nul(z.string()),
    upgradeInfo: nul(
      z.object({
        model: z.string(),
        upgradeCopy: nul(z.string()),
        modelLink: nul(z.string()),
        migrationMarkdown: nul(z.string()),
        retirementAt: nul(Int),
      }),
    ),
    availabilityNux: nul(z.object({ message: z.string() })),
    availableAccessPrograms: nul(
      z.object({ cyber: z.array(z.enum(["standard", "daybreakBlue", "daybreakRed"])) }),
    ),
    multiAgentVersion: nul(z.enum(["disabled", "v1", "v2"])),
  }),
);
export type Model = z.infer<typeof Model>;

export const ModelListResponse = named(
  "ModelListResponse",
  z.object({ data: z.array(Model), nextCursor: nul(z.string()) }),
);
export type ModelListResponse = z.infer<typeof ModelListResponse>;
