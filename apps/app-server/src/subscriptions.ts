/**
 * Who hears a thread. Several clients can be connected at once (unix socket, WebSocket, stdio,
 * in-process); each connection that started, resumed or forked a thread is subscribed to its
 * turn and item events until it calls `thread/unsubscribe` or disconnects. A server request
 * (approval, user input, dynamic tool) goes to every subscriber under one request id; the first
 * answer wins and the others are withdrawn (each still sees `serverRequest/resolved`).
 */
import type { RequestId } from "@codex-ts/protocol";
import type { ServerRequestOutcome } from "./transport.js";

/** One client connection as a thread sees it. */
export interface Subscriber {
  readonly isClosed: boolean;
  notify(method: string, params: unknown): void;
  request(method: string, params: unknown, id: RequestId): { id: RequestId; outcome: Promise<ServerRequestOutcome> };
  cancelRequest(id: RequestId): void;
}

export class ThreadSubscribers {
  readonly #subscribers = new Set<Subscriber>();
  readonly #nextRequestId: () => RequestId;
  /** Server requests still waiting, with the subscribers they were sent to. */
  readonly #open = new Map<RequestId, Subscriber[]>();

  /** `nextRequestId` hands out ids unique across the server's connections. */
  constructor(nextRequestId: () => RequestId) {
    this.#nextRequestId = nextRequestId;
  }

  get size(): number {
    return this.#subscribers.size;
  }

  has(subscriber: Subscriber): boolean {
    return this.#subscribers.has(subscriber);
  }

  add(subscriber: Subscriber): void {
    this.#subscribers.add(subscriber);
  }

  /** False when `subscriber` was not subscribed. */
  remove(subscriber: Subscriber): boolean {
    return this.#subscribers.delete(subscriber);
  }

  notify(method: string, params: unknown): void {
    for (const subscriber of this.#subscribers) if (!subscriber.isClosed) subscriber.notify(method, params);
  }

  /**
   * Asks every live subscriber; resolves with the first answer (`closed` when nobody is there to
   * answer, or every asked connection went away without answering).
   */
  request(method: string, params: unknown): { id: RequestId; outcome: Promise<ServerRequestOutcome> } {
    const id = this.#nextRequestId();
    const asked = [...this.#subscribers].filter((s) => !s.isClosed);
    if (asked.length === 0) return { id, outcome: Promise.resolve({ kind: "closed" }) };
    this.#open.set(id, asked);
    const outcome = new Promise<ServerRequestOutcome>((resolve) => {
      let waiting = asked.length;
      for (const subscriber of asked) {
        void subscriber.request(method, params, id).outcome.then((answer) => {
          waiting -= 1;
          if (answer.kind === "closed" && waiting > 0) return;
          if (!this.#open.has(id)) return;
          this.#open.delete(id);
          for (const other of asked) if (other !== subscriber) other.cancelRequest(id);
          resolve(answer);
        });
      }
    });
    return { id, outcome };
  }

  /** Withdraws a pending request from everyone it was sent to (a later answer is ignored). */
  cancelRequest(id: RequestId): void {
    const asked = this.#open.get(id);
    if (!asked) return;
    for (const subscriber of asked) subscriber.cancelRequest(id);
  }
}
