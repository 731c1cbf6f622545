import path from "node:path";

/** Directory under CODEX_HOME that holds rollouts. */
export const SESSIONS_SUBDIR = "sessions";
/** Directory under CODEX_HOME that Codex moves archived rollouts to. */
export const ARCHIVED_SESSIONS_SUBDIR = "archived_sessions";

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/**
 * `YYYY-MM-DDThh-mm-ss` in local time, as Codex stamps rollout file names (it uses the local
 * clock, falling back to UTC; the directory date comes from the same stamp).
 */
export function rolloutFileTimestamp(date: Date): string {
  return (
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}-${pad(date.getMinutes())}-${pad(date.getSeconds())}`
  );
}

/** `rollout-<YYYY-MM-DDThh-mm-ss>-<thread_id>.jsonl` */
export function rolloutFileName(threadId: string, createdAt: Date): string {
  return `rollout-${rolloutFileTimestamp(createdAt)}-${threadId}.jsonl`;
}

/** `CODEX_HOME/sessions/YYYY/MM/DD/rollout-<YYYY-MM-DDThh-mm-ss>-<thread_id>.jsonl` */
export function rolloutPath(codexHome: string, threadId: string, createdAt: Date): string {
  return path.join(
    codexHome,
    SESSIONS_SUBDIR,
    pad(createdAt.getFullYear(), 4),
    pad(createdAt.getMonth() + 1),
    pad(createdAt.getDate()),
    rolloutFileName(threadId, createdAt),
  );
}

const FILE_NAME = /^rollout-(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})-(.+)\.jsonl$/;

export interface RolloutFileNameParts {
  /** The thread id embedded in the name. */
  threadId: string;
  /** The name's timestamp, read as local time (second precision). */
  createdAt: Date;
}

/** Splits a rollout file name (or path) into its thread id and timestamp; `null` if it is not one. */
export function parseRolloutFileName(fileNameOrPath: string): RolloutFileNameParts | null {
  const match = FILE_NAME.exec(path.basename(fileNameOrPath));
  if (match === null) return null;
  const [, y, mo, d, h, mi, s, threadId] = match;
  const createdAt = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(createdAt.getTime()) || threadId === undefined || threadId === "") return null;
  return { threadId, createdAt };
}
