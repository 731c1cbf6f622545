import { open } from "node:fs/promises";
import { parseRolloutLine, type SessionMeta } from "@codex-ts/protocol";
import { parseRolloutFileName } from "@codex-ts/rollout";
import * as z from "zod";
import type { StoredGitInfo, ThreadSourceKind } from "./types.js";

/**
 * Reading what the index needs from a rollout file: the `session_meta` header, the first user
 * message (preview) and the latest model/effort from `turn_context` lines.
 *
 * The header is parsed with the protocol's `SessionMeta` schema (legacy upgrades included); the
 * rest is skimmed cheaply for the preview and model without validating every line.
 */

const LineEnvelope = z.looseObject({ timestamp: z.string().optional(), type: z.string(), payload: z.unknown() });

export interface RolloutSummary {
  id: string;
  sessionId: string;
  createdAtMs: number;
  cwd: string;
  modelProvider: string;
  cliVersion: string;
  originator: string | null;
  source: unknown;
  sourceKind: ThreadSourceKind;
  threadSource: string | null;
  forkedFromId: string | null;
  parentThreadId: string | null;
  agentNickname: string | null;
  agentRole: string | null;
  gitInfo: StoredGitInfo | null;
  preview: string;
  model: string | null;
  reasoningEffort: string | null;
}

/** How much of a rollout is read to find the header, preview and model (the rest is not needed). */
export const SUMMARY_READ_LIMIT = 1024 * 1024;

/** Read and summarize a rollout file; `null` when it has no valid `session_meta` first line. */
export async function summarizeRolloutFile(
  file: string,
  fileName: string,
): Promise<RolloutSummary | null> {
  let text: string;
  const fh = await open(file, "r");
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(Math.min(size, SUMMARY_READ_LIMIT));
    let length = 0;
    while (length < buf.length) {
      const { bytesRead } = await fh.read(buf, length, buf.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    text = buf.subarray(0, length).toString("utf8");
  } finally {
    await fh.close();
  }
  return summarizeRolloutText(text, parseRolloutFileName(fileName)?.createdAt.getTime() ?? null);
}

/** Summarize rollout text (whole lines only; a truncated or garbled line is skipped). */
export function summarizeRolloutText(text: string, fallbackCreatedMs: number | null): RolloutSummary | null {
  const lines = text.split("\n");
  const first = parseRolloutLine(lines[0] ?? "");
  if (first.kind !== "line" || first.line.type !== "session_meta") return null;
  const summary = summaryFromMeta(first.line.payload, first.line.timestamp, fallbackCreatedMs);
  applyLines(
    summary,
    lines.slice(1).map((l) => parseLine(l)),
  );
  return summary;
}

export function summaryFromMeta(
  meta: SessionMeta,
  lineTimestamp: string | undefined,
  fallbackCreatedMs: number | null,
): RolloutSummary {
  const created = parseTime(meta.timestamp) ?? parseTime(lineTimestamp) ?? fallbackCreatedMs ?? Date.now();
  const source = meta.source ?? "vscode";
  return {
    id: meta.id,
    sessionId: meta.session_id ?? meta.id,
    createdAtMs: created,
    cwd: meta.cwd,
    modelProvider: meta.model_provider ?? "",
    cliVersion: meta.cli_version ?? "",
    originator: meta.originator ?? null,
    source,
    sourceKind: sourceKindOf(source),
    threadSource: meta.thread_source ?? null,
    forkedFromId: meta.forked_from_id ?? null,
    parentThreadId: meta.parent_thread_id ?? parentThreadIdOf(source),
    agentNickname: meta.agent_nickname ?? null,
    agentRole: meta.agent_role ?? null,
    gitInfo: meta.git
      ? { sha: meta.git.commit_hash ?? null, branch: meta.git.branch ?? null, originUrl: meta.git.repository_url ?? null }
      : null,
    preview: "",
    model: null,
    reasoningEffort: null,
  };
}

interface ParsedLine {
  timestamp?: string | undefined;
  type: string;
  payload: unknown;
}

function parseLine(line: string): ParsedLine | null {
  if (line.trim() === "") return null;
  try {
    const parsed = LineEnvelope.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Fold history lines into a summary: the first user message becomes the preview (a user-message
 * event wins over a raw `response_item`, which may be injected context), the latest `turn_context`
 * gives model and effort.
 */
export function applyLines(
  summary: { preview: string; model: string | null; reasoningEffort: string | null },
  lines: Iterable<{ type: string; payload: unknown } | null>,
): void {
  let responsePreview: string | null = null;
  let eventPreview: string | null = summary.preview !== "" ? summary.preview : null;
  for (const line of lines) {
    if (!line) continue;
    const payload = asRecord(line.payload);
    if (!payload) continue;
    if (line.type === "turn_context") {
      if (typeof payload.model === "string") summary.model = payload.model;
      if (typeof payload.effort === "string") summary.reasoningEffort = payload.effort;
    } else if (eventPreview === null && line.type === "event_msg") {
      eventPreview = userMessageFromEvent(payload);
    } else if (eventPreview === null && responsePreview === null && line.type === "response_item") {
      responsePreview = userMessageFromResponseItem(payload);
    }
  }
  summary.preview = eventPreview ?? responsePreview ?? summary.preview;
}

function userMessageFromEvent(payload: Record<string, unknown>): string | null {
  if (payload.type === "user_message" && typeof payload.message === "string") return payload.message;
  if (payload.type === "item_completed") {
    const item = asRecord(payload.item);
    if (item?.type === "UserMessage" && Array.isArray(item.content)) {
      const text = item.content
        .map((c) => asRecord(c))
        .filter((c) => c?.type === "text" && typeof c.text === "string")
        .map((c) => c!.text as string)
        .join("\n");
      return text === "" ? null : text;
    }
  }
  return null;
}

/** Context Codex injects as user-role messages; never a preview. */
const INJECTED_PREFIXES = [
  "<environment_context>",
  "<user_instructions>",
  "# AGENTS.md instructions",
  "<INSTRUCTIONS>",
  "<user_shell_command>",
  "<turn_aborted>",
  "<skill>",
  "<permissions",
  "<subagent_notification>",
];

function userMessageFromResponseItem(payload: Record<string, unknown>): string | null {
  if (payload.type !== "message" || payload.role !== "user" || !Array.isArray(payload.content)) return null;
  const text = payload.content
    .map((c) => asRecord(c))
    .filter((c) => c?.type === "input_text" && typeof c.text === "string")
    .map((c) => c!.text as string)
    .join("\n");
  if (text === "" || INJECTED_PREFIXES.some((p) => text.trimStart().startsWith(p))) return null;
  return text;
}

/** Map a core session source (`"cli"`, `"mcp"`, `{"subagent": …}`…) to a v2 source kind. */
export function sourceKindOf(source: unknown): ThreadSourceKind {
  if (typeof source === "string") {
    switch (source) {
      case "cli":
        return "cli";
      case "vscode":
        return "vscode";
      case "exec":
        return "exec";
      case "mcp":
      case "app_server":
      case "appServer":
        return "appServer";
      default:
        return "unknown";
    }
  }
  const record = asRecord(source);
  const sub = record ? (record.subagent ?? record.subAgent ?? record.sub_agent) : undefined;
  if (sub === undefined) return "unknown";
  if (sub === "review") return "subAgentReview";
  if (sub === "compact") return "subAgentCompact";
  const subRecord = asRecord(sub);
  if (subRecord?.thread_spawn !== undefined) return "subAgentThreadSpawn";
  if (subRecord?.other !== undefined) return "subAgentOther";
  return "subAgent";
}

function parentThreadIdOf(source: unknown): string | null {
  const record = asRecord(source);
  const sub = asRecord(record ? (record.subagent ?? record.subAgent ?? record.sub_agent) : undefined);
  const spawn = asRecord(sub?.thread_spawn);
  return typeof spawn?.parent_thread_id === "string" ? spawn.parent_thread_id : null;
}

function parseTime(value: string | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
