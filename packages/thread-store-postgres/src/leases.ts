/**
 * One live writer per thread across the fleet: a row lease in `codex_thread_leases`, renewed by a
 * heartbeat while held. Times are the database's clock (`now()`), so servers' clocks may differ.
 * An append checks the lease under the same row lock a takeover needs (see `store.ts`), so a
 * writer that lost its lease can never interleave lines with the new holder.
 */
import { fail, ok, type StoreResult } from "@codex-ts/thread-store";
import type { Sql } from "postgres";

export class LeaseKeeper {
  readonly holder: string;
  readonly #sql: Sql;
  readonly #ttlMs: number;
  readonly #held = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #beating: Promise<void> | null = null;
  /** Called when a heartbeat finds a lease taken over (or the database unreachable for too long). */
  onLost: (threadId: string) => void = () => undefined;

  constructor(sql: Sql, holder: string, ttlMs: number) {
    this.#sql = sql;
    this.holder = holder;
    this.#ttlMs = ttlMs;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  holds(threadId: string): boolean {
    return this.#held.has(threadId);
  }

  /** Takes the lease unless another holder's is unexpired. The thread must exist. */
  async claim(threadId: string): Promise<StoreResult<void>> {
    const ttl = `${this.#ttlMs} milliseconds`;
    const taken = await this.#sql<{ holder: string }[]>`
      INSERT INTO codex_thread_leases (thread_id, holder, expires_at)
      VALUES (${threadId}, ${this.holder}, now() + ${ttl}::interval)
      ON CONFLICT (thread_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
      WHERE codex_thread_leases.holder = excluded.holder OR codex_thread_leases.expires_at <= now()
      RETURNING holder`;
    if (taken.length > 0) {
      this.#held.add(threadId);
      this.#start();
      return ok(undefined);
    }
    const [current] = await this.#sql<{ holder: string; expires_at: Date }[]>`
      SELECT holder, expires_at FROM codex_thread_leases WHERE thread_id = ${threadId}`;
    if (!current) return this.claim(threadId); // released meanwhile
    return fail(
      "conflict",
      `thread ${threadId} is open for writing on another app-server (${current.holder}) until ${current.expires_at.toISOString()} ` +
        "(its lease is renewed while it has the thread loaded); retry when that server closes it or after it stops renewing",
    );
  }

  async release(threadId: string): Promise<void> {
    if (!this.#held.delete(threadId)) return;
    await this.#sql`DELETE FROM codex_thread_leases WHERE thread_id = ${threadId} AND holder = ${this.holder}`;
  }

  /** Stops renewing and gives every lease up. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#beating;
    const held = [...this.#held];
    this.#held.clear();
    if (held.length > 0) {
      await this.#sql`DELETE FROM codex_thread_leases WHERE holder = ${this.holder} AND thread_id IN ${this.#sql(held)}`;
    }
  }

  #start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (!this.#beating) this.#beating = this.#beat().finally(() => (this.#beating = null));
    }, Math.max(50, Math.floor(this.#ttlMs / 3)));
    this.#timer.unref();
  }

  /** Renews every held lease; the ones no longer ours are dropped (and reported). */
  async #beat(): Promise<void> {
    const held = [...this.#held];
    if (held.length === 0) return;
    const ttl = `${this.#ttlMs} milliseconds`;
    try {
      const renewed = await this.#sql<{ thread_id: string }[]>`
        UPDATE codex_thread_leases SET expires_at = now() + ${ttl}::interval
        WHERE holder = ${this.holder} AND thread_id IN ${this.#sql(held)} RETURNING thread_id`;
      const kept = new Set(renewed.map((r) => r.thread_id));
      for (const id of held) {
        if (!kept.has(id) && this.#held.delete(id)) this.onLost(id);
      }
    } catch {
      // The database is unreachable: the next beat retries; appends fail meanwhile anyway.
    }
  }
}
