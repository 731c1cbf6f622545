// The session's outgoing event stream: listeners + an async iterator, in emission order.
import type { EventMsg } from "@codex-ts/protocol";

/** The events a session emits: protocol core `EventMsg`s (including `model_reroute`). */
export type SessionEventMsg = EventMsg;

/** Codex's ModelRerouteEvent (now part of the protocol's EventMsg). */
export type ModelRerouteEventMsg = Extract<EventMsg, { type: "model_reroute" }>;

/** An event with the id of the submission it answers. */
export interface SessionEvent {
  id: string;
  msg: SessionEventMsg;
}


export class EventHub {
  private readonly listeners = new Set<(event: SessionEvent) => void>();
  private readonly buffer: SessionEvent[] = [];
  private readonly waiters: Array<(result: IteratorResult<SessionEvent>) => void> = [];
  private closed = false;
  private iterating = false;

  emit(event: SessionEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not break the session.
      }
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter({ value: event, done: false });
    // Buffer for the iterator, unless only listeners consume events (no unbounded growth then).
    else if (this.iterating || this.listeners.size === 0) this.buffer.push(event);
  }

  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Next event from the shared queue (each event is delivered to one `next` caller). */
  next(): Promise<IteratorResult<SessionEvent>> {
    const event = this.buffer.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter({ value: undefined, done: true });
  }

  iterator(): AsyncIterableIterator<SessionEvent> {
    this.iterating = true;
    return {
      next: () => this.next(),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}
