// `client_metadata` of a Responses request: string values identifying the session, thread, turn
// and context window, as Codex 0.169 sends them (keys seen against the real binary; its
// `x-codex-turn-metadata` is a JSON string). Codex also sends an installation id, which we do not have.

export interface RequestMetadata {
  sessionId: string;
  threadId: string;
  turnId: string;
  /** The first turn of the chain of work this request belongs to (its own turn for a root thread). */
  rootTurnId: string;
  /** How many times the history was compacted (each compaction opens a new context window). */
  windowNumber: number;
  model: string;
  /** `read-only`, `workspace-write`, `danger-full-access` or `external-sandbox`. */
  sandboxMode: string;
  /** `turn`, or `compact` for a summarization request. */
  requestKind: "turn" | "compact";
}

export function clientMetadata(m: RequestMetadata): Record<string, string> {
  const windowId = `${m.threadId}:${m.windowNumber}`;
  const turnMetadata = {
    session_id: m.sessionId,
    thread_id: m.threadId,
    turn_id: m.turnId,
    window_id: windowId,
    window_number: m.windowNumber,
    request_kind: m.requestKind,
    root_turn_id: m.rootTurnId,
    sandbox_mode: m.sandboxMode,
    model: m.model,
  };
  return {
    root_turn_id: m.rootTurnId,
    "x-codex-turn-metadata": JSON.stringify(turnMetadata),
    session_id: m.sessionId,
    thread_id: m.threadId,
    "x-codex-window-id": windowId,
    turn_id: m.turnId,
  };
}

/**
 * The headers that repeat a request's metadata (Codex 0.169 sends both): `x-codex-turn-metadata`,
 * `x-codex-window-id` and `x-client-request-id` (the thread id).
 */
export function metadataHeaders(metadata: Readonly<Record<string, string>> | undefined): Record<string, string> {
  if (!metadata) return {};
  const headers: Record<string, string> = {};
  const turn = metadata["x-codex-turn-metadata"];
  if (turn) headers["x-codex-turn-metadata"] = turn;
  const window = metadata["x-codex-window-id"];
  if (window) headers["x-codex-window-id"] = window;
  if (metadata.thread_id) headers["x-client-request-id"] = metadata.thread_id;
  return headers;
}
