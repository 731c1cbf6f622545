import * as z from "zod";
import { AbsolutePathBuf, JsonValue, LegacyAppPathString, UInt, named, nul, opt } from "./common.js";
import {
  ApprovalsReviewer,
  AskForApproval,
  ModeKind,
  Personality,
  SandboxMode,
  SandboxPolicy,
} from "./policy.js";
import { ReasoningEffort, Thread } from "./thread.js";

/**
 * Params and responses of the client → server requests: initialize and threads (goals, turns and
 * models are in ./turn-requests.ts).
 */

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
