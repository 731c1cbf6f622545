/**
 * The ordered way out for a thread's notifications. Anyone may pause it (a response that must be
 * written first, a turn whose last rollout lines are still being written); while any pause is held,
 * notifications queue in order, and they go out once the last pause is lifted.
 */
export type Deliver = (method: string, params: unknown) => void;

export class NotificationGate {
  readonly #deliver: Deliver;
  readonly #queue: (() => void)[] = [];
  #pauses = 0;

  constructor(deliver: Deliver) {
    this.#deliver = deliver;
  }

  get paused(): boolean {
    return this.#pauses > 0;
  }

  emit(method: string, params: unknown): void {
    this.run(() => this.#deliver(method, params));
  }

  /**
   * Runs `action` in line with the notifications: at once when nothing is held, otherwise after
   * every notification emitted before it went out (a server request must not overtake the
   * item/started of the item it asks about).
   */
  run(action: () => void): void {
    if (this.#pauses > 0) this.#queue.push(action);
    else action();
  }

  /** Holds notifications back until the returned function is called (calling it again does nothing). */
  pause(): () => void {
    this.#pauses += 1;
    let lifted = false;
    return () => {
      if (lifted) return;
      lifted = true;
      this.#pauses -= 1;
      while (this.#pauses === 0 && this.#queue.length > 0) {
        const next = this.#queue.shift() as () => void;
        next();
      }
    };
  }
}
