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
