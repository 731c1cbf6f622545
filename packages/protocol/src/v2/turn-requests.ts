import * as z from "zod";
import { Int, JsonValue, UInt, named, nul, opt } from "./common.js";
import { ApprovalsReviewer, AskForApproval, Personality, ReasoningSummary, SandboxPolicy } from "./policy.js";
import { CollaborationMode } from "./requests.js";
import { FunctionCallOutputBody, ReasoningEffort, Turn, UserInput } from "./thread.js";

/** Params and responses of the goal, turn and model requests (thread ones are in ./requests.ts). */

const EmptyResponse = () => z.object({});
const threadIdOnly = () => z.object({ threadId: z.string() });

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
