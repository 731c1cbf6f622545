/**
 * Server requests of one loaded thread (approvals, user input, dynamic tool calls, MCP
 * elicitations): sent after the notifications emitted before them, tracked on the active turn
 * (its status shows what it waits on), and answered with `serverRequest/resolved` — by the client,
 * or by an interrupt or shutdown that cancels them.
 */
import type { ThreadSubscribers } from "./subscriptions.js";
import type { ServerRequestOutcome } from "./transport.js";
import type { PendingServerRequest, TurnState } from "./turn-events.js";

export interface ServerRequestHost {
  readonly id: string;
  readonly outlet: ThreadSubscribers;
  /** The running turn, if any. */
  activeTurn(): TurnState | null;
  /** Resolves once every notification emitted so far went out (they may wait for their rollout lines). */
  afterEmitted(): Promise<void>;
  emit(method: string, params: unknown): void;
  emitStatus(): void;
}

export class ThreadServerRequests {
  constructor(private readonly host: ServerRequestHost) {}

  /** Sends a request for the active turn; "tool" requests do not flag the thread as waiting. */
  async ask(kind: PendingServerRequest["kind"], method: string, params: unknown): Promise<ServerRequestOutcome> {
    const host = this.host;
    const turn = host.activeTurn();
    await host.afterEmitted();
    const { id, outcome } = host.outlet.request(method, params);
    const pending: PendingServerRequest = { id, kind, resolved: false };
    turn?.pending.set(id, pending);
    if (turn && kind !== "tool") host.emitStatus();
    const result = await outcome;
    turn?.pending.delete(id);
    if (!pending.resolved) {
      pending.resolved = true;
      host.emit("serverRequest/resolved", { threadId: host.id, requestId: id });
      if (turn && kind !== "tool" && host.activeTurn() === turn) host.emitStatus();
    }
    return result;
  }

  /** Answers every unanswered request of `turn` (each with `serverRequest/resolved`) and cancels it at the clients. */
  resolvePending(turn: TurnState): void {
    for (const pending of turn.pending.values()) {
      if (pending.resolved) continue;
      pending.resolved = true;
      this.host.emit("serverRequest/resolved", { threadId: this.host.id, requestId: pending.id });
      this.host.outlet.cancelRequest(pending.id);
    }
  }
}
