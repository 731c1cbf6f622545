import * as z from "zod";
import { UInt, named, nul, opt } from "./common.js";

/**
 * More server notifications of the official 0.169 schema: account, remote control, read state,
 * thread lifecycle (deleted, reverted, sections, attachments), fs watches, fuzzy search sessions,
 * deprecation and guardian notices, Windows sandbox setup. (The core set is in notifications.ts.)
 */

export const AuthMode = named(
  "AuthMode",
  z.enum(["apikey", "chatgpt", "chatgptAuthTokens", "headers", "agentIdentity", "personalAccessToken", "bedrockApiKey", "bedrockAccessKeys"]),
);
export const PlanType = named(
  "PlanType",
  z.enum([
    "free", "go", "plus", "pro", "prolite", "promax", "team", "self_serve_business_prolite",
    "self_serve_business_usage_based", "business", "ent26", "enterprise_cbp_automation",
    "enterprise_cbp_usage_based", "enterprise", "edu", "edu_plus", "edu_pro", "sci", "sci_plus", "unknown",
  ]),
);
export const AccountUpdatedNotification = named(
  "AccountUpdatedNotification",
  z.object({ authMode: nul(AuthMode), planType: nul(PlanType) }),
);
export const AccountLoginCompletedNotification = named(
  "AccountLoginCompletedNotification",
  z.object({
    loginId: nul(z.string()),
    success: z.boolean(),
    error: nul(z.string()),
    onboardingEntrypoint: opt(z.enum(["life_sciences"])),
  }),
);
// RateLimitWindow, CreditsSnapshot, RateLimitSnapshot and account/rateLimits/updated are generated
// from the official schema (./generated): the full 0.169 shape, individual limits included.
export const RemoteControlStatusChangedNotification = named(
  "RemoteControlStatusChangedNotification",
  z.object({
    status: z.enum(["disabled", "connecting", "connected", "errored"]),
    serverName: z.string(),
    installationId: z.string(),
    environmentId: nul(z.string()),
  }),
);
// ThreadReadState and thread/readState/changed are generated (./generated).
export const ThreadDeletedNotification = named("ThreadDeletedNotification", z.object({ threadId: z.string() }));
export const ThreadRevertedNotification = named("ThreadRevertedNotification", z.object({ threadId: z.string() }));
export const ThreadSectionChangedNotification = named(
  "ThreadSectionChangedNotification",
  z.object({ threadId: z.string(), sectionId: nul(z.string()) }),
);
export const ThreadAttachmentUpdatedNotification = named(
  "ThreadAttachmentUpdatedNotification",
  z.object({
    threadId: z.string(),
    attachmentId: z.string(),
    attachmentType: z.string(),
    identityKey: z.string(),
    operation: z.enum(["created", "deleted"]),
  }),
);
export const FsChangedNotification = named(
  "FsChangedNotification",
  z.object({ watchId: z.string(), changedPaths: z.array(z.string()) }),
);
export const FuzzyFileSearchResult = named(
  "FuzzyFileSearchResult",
  z.object({
    root: z.string(),
    path: z.string(),
    file_name: z.string(),
    match_type: z.enum(["file", "directory"]),
    score: UInt,
    indices: nul(z.array(UInt)),
  }),
);
export const FuzzyFileSearchSessionUpdatedNotification = named(
  "FuzzyFileSearchSessionUpdatedNotification",
  z.object({ sessionId: z.string(), query: z.string(), files: z.array(FuzzyFileSearchResult) }),
);
export const FuzzyFileSearchSessionCompletedNotification = named(
  "FuzzyFileSearchSessionCompletedNotification",
  z.object({ sessionId: z.string() }),
);
export const DeprecationNoticeNotification = named(
  "DeprecationNoticeNotification",
  z.object({ summary: z.string(), details: nul(z.string()) }),
);
export const GuardianWarningNotification = named(
  "GuardianWarningNotification",
  z.object({ threadId: z.string(), message: z.string() }),
);
export const WindowsSandboxSetupCompletedNotification = named(
  "WindowsSandboxSetupCompletedNotification",
  z.object({ mode: z.enum(["elevated", "unelevated"]), success: z.boolean(), error: nul(z.string()) }),
);

/* ---------------------------------------------------------------- fuzzyFileSearch (v1 shape, no official response definition) */

export const FuzzyFileSearchParams = named(
  "FuzzyFileSearchParams",
  z.object({ query: z.string(), roots: z.array(z.string()), cancellationToken: opt(z.string()) }),
);
export const FuzzyFileSearchResponse = named(
  "FuzzyFileSearchResponse",
  z.object({ files: z.array(FuzzyFileSearchResult) }),
);
