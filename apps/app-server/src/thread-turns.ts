/**
 * One loaded thread's turn lifecycle: starting a turn on an idle thread (or joining the running
 * one, as Codex 0.169 steers turn/start), manual compaction, review turns (never steerable),
 * turn/steer and turn/interrupt, and the core events that begin and end turns.
 */
import type { Session, SessionEvent } from "@codex-ts/core";
import type { v2 } from "@codex-ts/protocol";
import { internalError, invalidRequest } from "./errors.js";
import { newTurnState, type TurnState, turnView } from "./turn-events.js";

interface StartWaiter {
  subId: string;
  kind: TurnState["kind"];
  resolve: (turn: v2.Turn) => void;
  reject: (error: Error) => void;
}

/** What the turn lifecycle needs from its thread. */
export interface TurnHost {
  readonly id: string;
  readonly session: Session;
  readonly closed: boolean;
  /** The turn of a running `thread/shellCommand` on an otherwise idle thread. */
  readonly shellTurn: string | null;
  /**
   * Submits `op` while holding back the events core emits synchronously inside `submit`; calls
   * `registered(subId)`, then dispatches the held events (so none is attributed to the wrong submission).
   */
  submitCapturing(op: Record<string, unknown>, registered: (subId: string) => void): void;
  /** Answers the turn's pending server requests (see thread-server-requests.ts). */
  resolvePending(turn: TurnState): void;
  /** The v2 view of a turn (with hook runs for an experimental client). */
  view(turn: TurnState, status: v2.TurnStatus): v2.Turn;
}

export class ThreadTurns {
  /** The running turn (task_started seen, not ended). */
  turn: TurnState | null = null;
  /** A submitted turn-starting op whose task_started has not come yet. */
  #startWaiter: StartWaiter | null = null;
  /** The regular turn being started (submitted, task_started not seen yet). */
  #starting: Promise<v2.Turn> | null = null;
  /** Set from `beginReview` until the review turn's `task_started`: that turn is a review turn. */
  #reviewStarting = false;

  constructor(private readonly host: TurnHost) {}

  /** A turn-starting op is submitted and its turn has not begun yet. */
  get starting(): boolean {
    return this.#startWaiter !== null;
  }

  /**
   * Submits user input. On an idle thread it starts a turn (resolves once core started it); while
   * a regular turn runs — or is starting — the input joins that turn, as real Codex 0.169 answers
   * turn/start then (steering: taken before the turn's next model request, its settings applied),
   * and the answer is the running turn, in progress, `startedAt` null.
   */
  async start(op: Record<string, unknown>): Promise<v2.Turn> {
    const host = this.host;
    if (host.closed) throw invalidRequest(`thread ${host.id} is closed`);
    if (!this.turn && this.#starting) await this.#starting.catch(() => undefined);
    const running = this.turn;
    // As Codex 0.169: input cannot join a review turn (core refuses it as not steerable).
    if (running?.kind === "review" || (!running && this.#reviewStarting))
      throw internalError("failed to submit turn input: ActiveTurnNotSteerable { turn_kind: Review }");
    if (running?.kind === "regular" && !host.shellTurn) {
      host.session.submit(op);
      return { ...turnView(running, "inProgress"), startedAt: null } as unknown as v2.Turn;
    }
    if (running || this.#startWaiter || host.shellTurn) {
      throw invalidRequest(
        `thread ${host.id} already has a turn in progress (${running?.id ?? host.shellTurn ?? "starting"}); use turn/steer or turn/interrupt`,
      );
    }
    const starting = new Promise<v2.Turn>((resolve, reject) => this.#submitWaiting(op, { kind: "regular", resolve, reject }));
    this.#starting = starting;
    try {
      return await starting;
    } finally {
      if (this.#starting === starting) this.#starting = null;
    }
  }

  /** Submits an op that starts a turn and registers the waiter for its `task_started`. */
  #submitWaiting(op: Record<string, unknown>, waiter: Omit<StartWaiter, "subId">): void {
    this.host.submitCapturing(op, (subId) => {
      this.#startWaiter = { ...waiter, subId };
    });
  }

  /** Runs `start` (core's startReview) so that the turn it begins is known as a review turn. */
  beginReview<T extends { ok: boolean }>(start: () => T): T {
    this.#reviewStarting = true;
    let started: T | undefined;
    try {
      started = start();
      return started;
    } finally {
      if (!started?.ok) this.#reviewStarting = false;
    }
  }

  /** Starts a manual compaction turn. */
  compact(): void {
    const host = this.host;
    if (host.closed) throw invalidRequest(`thread ${host.id} is closed`);
    if (this.turn || this.#startWaiter) throw invalidRequest(`thread ${host.id} already has a turn in progress`);
    this.#submitWaiting({ type: "compact" }, { kind: "compact", resolve: () => {}, reject: () => {} });
  }

  steer(expectedTurnId: string, items: unknown[]): string {
    const turn = this.turn;
    if (!turn) throw invalidRequest("no active turn to steer");
    if (turn.id !== expectedTurnId) throw invalidRequest(`expected active turn id \`${expectedTurnId}\` but found \`${turn.id}\``);
    if (turn.kind === "compact") throw invalidRequest(`turn ${turn.id} is a manual compaction and cannot be steered`);
    if (turn.kind === "review")
      throw invalidRequest("cannot steer a review turn", {
        message: "cannot steer a review turn",
        codexErrorInfo: { activeTurnNotSteerable: { turnKind: "review" } },
        additionalDetails: null,
        misalignment: null,
      });
    this.host.session.submit({ type: "user_input", items });
    return turn.id;
  }

  /** Resolves pending server requests of the turn (each with `serverRequest/resolved`), then interrupts it. */
  interrupt(turnId: string): void {
    const turn = this.turn;
    if (!turn) throw invalidRequest(`no active turn to interrupt in thread ${this.host.id}`);
    if (turn.id !== turnId) throw invalidRequest(`expected active turn id \`${turnId}\` but found \`${turn.id}\``);
    this.host.resolvePending(turn);
    this.host.session.submit({ type: "interrupt" });
  }

  /** An `error` answering a start submission before its turn began: the start fails. True when consumed. */
  onStartError(event: SessionEvent, message: string): boolean {
    const waiter = this.#startWaiter;
    if (!waiter || event.id !== waiter.subId || this.turn) return false;
    this.#startWaiter = null;
    waiter.reject(invalidRequest(message));
    return true;
  }

  /** `task_started`: the turn now running (its kind from the submission that began it); a waiting start resolves. */
  onStarted(event: SessionEvent, turnId: string, rootTurnId: string | null): TurnState {
    const waiter = this.#startWaiter && event.id === this.#startWaiter.subId ? this.#startWaiter : null;
    const kind = waiter ? waiter.kind : this.#reviewStarting ? "review" : "regular";
    const state = newTurnState(turnId, kind, Date.now(), rootTurnId);
    this.#reviewStarting = false;
    this.turn = state;
    if (waiter) {
      this.#startWaiter = null;
      waiter.resolve(this.host.view(state, "inProgress"));
    }
    return state;
  }

  /** `task_complete` / `turn_aborted`: the turn that ended, its pending requests answered; null when none ran. */
  onEnded(): TurnState | null {
    const turn = this.turn;
    if (!turn) return null;
    this.host.resolvePending(turn);
    this.turn = null;
    return turn;
  }
}
