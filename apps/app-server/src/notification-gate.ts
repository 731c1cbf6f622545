/**
 * The ordered way out for a thread's notifications. Anyone may pause it (a response that must be
 * written first, a turn whose last rollout lines are still being written); while any pause is held,
 * notifications queue in order, and they go out once the last pause is lifted.
 */
export type Deliver = (method: string, params: unknown) => void;

export class NotificationGate {
  readonly #deliver: Deliver;
  readonly #queue: [string, unknown][] = [];
  #pauses = 0;

  constructor(deliver: Deliver) {
    this.#deliver = deliver;
  }

  get paused(): boolean {
    return this.#pauses > 0;
  }

  emit(method: string, params: unknown): void {
    if (this.#pauses > 0) this.#queue.push([method, params]);
    else this.#deliver(method, params);
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
        const [method, params] = this.#queue.shift() as [string, unknown];
        this.#deliver(method, params);
      }
    };
  }
}
