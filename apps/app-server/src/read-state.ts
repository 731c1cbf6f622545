/**
 * A durable thread's read state (experimental API), as real Codex 0.169 keeps it: the first unread
 * position (`null` = read; `{type:"turn",turnId}` = the earliest completed turn the user has not
 * seen; `{type:"threadStart"}` = marked unread by hand) and an opaque `revision` that changes on
 * every change. A turn's completion publishes it (the first unread turn stays the earliest);
 * `thread/readState/update` marks the thread read or unread, guarded by the revision the caller
 * saw. Kept in a sidecar file per thread: `<codexHome>/app-server/read-state/<threadId>.json`.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { v2 } from "@codex-ts/protocol";
import { invalidRequest } from "./errors.js";

export type ReadState = v2.ThreadReadState;

function readStateFile(codexHome: string, threadId: string): string {
  return path.join(codexHome, "app-server", "read-state", `${encodeURIComponent(threadId)}.json`);
}

/** The stored read state of a thread; a fresh "read" state when there is none (or it is unreadable). */
export function loadReadState(codexHome: string, threadId: string): ReadState {
  try {
    const parsed = v2.ThreadReadState.safeParse(JSON.parse(readFileSync(readStateFile(codexHome, threadId), "utf8")));
    if (parsed.success) return parsed.data;
  } catch {
    // none yet
  }
  return { firstUnread: null, revision: randomUUID() };
}

function save(codexHome: string, threadId: string, state: ReadState): void {
  const file = readStateFile(codexHome, threadId);
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(state), { mode: 0o600 });
  renameSync(temp, file);
}

/** After `turnId` completed: the earliest unread position stays, the revision changes. */
export function publishCompletedTurn(codexHome: string, threadId: string, turnId: string): ReadState {
  const current = loadReadState(codexHome, threadId);
  const next: ReadState = { firstUnread: current.firstUnread ?? { type: "turn", turnId }, revision: randomUUID() };
  save(codexHome, threadId, next);
  return next;
}

/**
 * `thread/readState/update`: marks the thread read or unread. Refused (-32600 "read state changed",
 * data `{reason:"readStateConflict", readState}`) when `expectedRevision` is not the current one.
 */
export function updateReadState(codexHome: string, threadId: string, operation: "read" | "unread", expectedRevision: string): ReadState {
  const current = loadReadState(codexHome, threadId);
  if (current.revision !== expectedRevision) throw invalidRequest("read state changed", { reason: "readStateConflict", readState: current });
  const next: ReadState = { firstUnread: operation === "read" ? null : (current.firstUnread ?? { type: "threadStart" }), revision: randomUUID() };
  save(codexHome, threadId, next);
  return next;
}
