// What a model request carries besides the history: the base instructions in front of it and the
// request's client metadata.
import type { ResponseItem } from "@codex-ts/protocol";
import { clientMetadata } from "../client/metadata.js";
import { baseInstructionsMessage } from "../session/context.js";
import type { SessionState } from "../session/state.js";

/**
 * The input of a request: the session's base instructions as the first developer message, then
 * the history (Codex 0.169 sends no `instructions` field). The base message is never recorded:
 * it is rebuilt for each request from the instructions fixed for the session.
 */
export function requestInput(s: SessionState, history: readonly ResponseItem[]): ResponseItem[] {
  return [baseInstructionsMessage(s.baseInstructions), ...history];
}

/** The request's `client_metadata` for the running task (see client/metadata.ts). */
export function requestMetadata(s: SessionState): Record<string, string> {
  const active = s.active as (typeof s.active & { rootTurnId?: string }) | undefined;
  const turnId = active?.turnId ?? "";
  return clientMetadata({
    sessionId: s.sessionId,
    threadId: s.threadId,
    turnId,
    rootTurnId: active?.rootTurnId ?? turnId,
    windowNumber: s.history.windowNumber,
    model: s.settingsState.model,
    sandboxMode: s.settingsState.sandboxPolicy.type,
    requestKind: active?.kind === "compact" ? "compact" : "turn",
  });
}
