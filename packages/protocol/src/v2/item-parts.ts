import * as z from "zod";
import { AbsolutePathBuf, Int, JsonValue, LegacyAppPathString, UInt, named, nul } from "./common.js";
import { oneOfKeys } from "./one-of-keys.js";

/** Small shapes, `UserInput`, and the parts `ThreadItem` variants carry (./thread.ts re-exports them). */

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
