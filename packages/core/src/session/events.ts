// The session's outgoing event stream: listeners + an async iterator, in emission order.
import type { EventMsg } from "@codex-ts/protocol";

/**
 * `model_reroute` (Codex's ModelRerouteEvent) is not in @codex-ts/protocol's EventMsg yet; it is
 * emitted with Codex's field names and reads back as an unknown event type until it is added.
 */
export interface ModelRerouteEventMsg {
  type: "model_reroute";
  from_model: string;
  to_model: string;
  reason: "high_risk_cyber_activity";
}

export type SessionEventMsg = EventMsg | ModelRerouteEventMsg;

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
    const self = this;
    this.iterating = true;
    return {
      next: () => self.next(),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}
