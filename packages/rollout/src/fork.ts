import { mkdir, open } from "node:fs/promises";
import path from "node:path";
import { formatRolloutTimestamp } from "@codex-ts/protocol";
import { rolloutPath } from "./paths.js";
import { type RolloutEntry, readRollout } from "./reader.js";
import { err, ioError, ok, type RolloutResult } from "./result.js";
import { newThreadId } from "./writer.js";

/** Where a fork stops copying. */
export type ForkPoint =
  /** Keep the first `turns` turns. */
  | { turns: number }
  /** Keep everything up to and including the turn with this id. */
  | { throughTurnId: string }
  /** Keep the first `lines` lines of the source (session_meta included). */
  | { lines: number };

export interface ForkRolloutOptions {
  sourcePath: string;
  codexHome: string;
  /** Default: copy everything. */
  upTo?: ForkPoint;
  newThreadId?: string;
  createdAt?: Date;
}

export interface ForkedRollout {
  threadId: string;
  path: string;
  forkedFromId: string;
  /** Lines copied after the new session_meta line. */
  copiedLines: number;
}

function eventType(entry: RolloutEntry): string | null {
  return entry.line?.type === "event_msg" ? entry.line.payload.type : null;
}

/**
 * Index (into `entries`) of the first line of turn number `turn` (0-based), or `entries.length`.
 * Turns start at `task_started`; files without it fall back to `turn_context` lines, then to
 * user-message events.
 */
function turnStartIndex(entries: readonly RolloutEntry[], turn: number): number {
  const starters: ((entry: RolloutEntry) => boolean)[] = [
    (entry) => eventType(entry) === "task_started",
    (entry) => entry.line?.type === "turn_context",
    (entry) =>
      eventType(entry) === "user_message" ||
      (entry.line?.type === "event_msg" &&
        entry.line.payload.type === "item_completed" &&
        entry.line.payload.item.type === "UserMessage"),
  ];
  for (const isStart of starters) {
    const starts = entries.flatMap((entry, index) => (isStart(entry) ? [index] : []));
    if (starts.length > 0) return starts[turn] ?? entries.length;
  }
  return entries.length;
}

function cutIndex(entries: readonly RolloutEntry[], upTo: ForkPoint | undefined): RolloutResult<number> {
  if (upTo === undefined) return ok(entries.length);
  if ("lines" in upTo) return ok(Math.max(0, Math.min(entries.length, upTo.lines)));
  if ("turns" in upTo) return ok(turnStartIndex(entries, Math.max(0, upTo.turns)));
  const startIndex = entries.findIndex(
    (entry) =>
      entry.line?.type === "event_msg" &&
      entry.line.payload.type === "task_started" &&
      entry.line.payload.turn_id === upTo.throughTurnId,
  );
  if (startIndex < 0) return err("invalid", `no turn \`${upTo.throughTurnId}\` in the source rollout`);
  const next = entries.findIndex((entry, index) => index > startIndex && eventType(entry) === "task_started");
  return ok(next < 0 ? entries.length : next);
}

/**
 * Copies a rollout's history up to `upTo` into a new thread's rollout. The new file starts with
 * the source's `session_meta` (unknown fields kept, its origin fields not) under the new id, with
 * `forked_from_id` set to the source thread; then the copied lines (lines this version does not know included), with
 * `ordinal`s renumbered.
 */
export async function forkRollout(options: ForkRolloutOptions): Promise<RolloutResult<ForkedRollout>> {
  const source = await readRollout(options.sourcePath);
  if (!source.ok) return source;
  const { entries, meta } = source.value;
  if (meta === null) return err("invalid", `${options.sourcePath}: not a rollout (no session_meta line)`);
  const cut = cutIndex(entries, options.upTo);
  if (!cut.ok) return cut;

  const createdAt = options.createdAt ?? new Date();
  const threadId = options.newThreadId ?? newThreadId(createdAt);
  const firstMeta = entries.find((entry) => entry.line?.type === "session_meta");
  const rawMeta = JSON.parse(firstMeta?.text ?? "{}") as { payload?: Record<string, unknown> };
  // A fork is a new thread of whoever forks it (as Codex 0.169): the source's origin — its
  // thread_source, a sub-agent's parent, nickname, role and source — is not copied.
  const {
    thread_source: _threadSource,
    parent_thread_id: _parent,
    agent_nickname: _nickname,
    agent_role: _role,
    ...kept
  } = rawMeta.payload ?? {};
  const origin = kept.source;
  if (origin !== null && typeof origin === "object" && ("subagent" in origin || "subAgent" in origin)) kept.source = "vscode";
  const newMeta = {
    timestamp: formatRolloutTimestamp(createdAt),
    ordinal: 0,
    type: "session_meta",
    payload: {
      ...kept,
      id: threadId,
      session_id: threadId,
      forked_from_id: meta.id,
      timestamp: formatRolloutTimestamp(createdAt),
    },
  };
  const out = [JSON.stringify(newMeta)];
  for (const entry of entries.slice(0, cut.value)) {
    if (entry.line?.type === "session_meta") continue;
    const { timestamp, ordinal: _sourceOrdinal, ...rest } = JSON.parse(entry.text) as Record<string, unknown>;
    out.push(JSON.stringify({ timestamp, ordinal: out.length, ...rest }));
  }

  const filePath = rolloutPath(options.codexHome, threadId, createdAt);
  try {
    await mkdir(path.dirname(filePath), { recursive: true });
    const handle = await open(filePath, "wx", 0o600);
    try {
      await handle.appendFile(`${out.join("\n")}\n`, "utf8");
      await handle.datasync();
    } finally {
      await handle.close();
    }
  } catch (cause) {
    return ioError("writing forked rollout", filePath, cause);
  }
  return ok({ threadId, path: filePath, forkedFromId: meta.id, copiedLines: out.length - 1 });
}
