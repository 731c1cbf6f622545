/**
 * Change events across the fleet with LISTEN/NOTIFY: a change is announced on one channel in the
 * transaction that makes it (so it is heard only if it committed), tagged with the announcing
 * store's id; listeners hear every other store's changes. The listening connection is opened on
 * the first `subscribe`, so the CLI and one-shot tools never hold one. Stores on other schemas of
 * the same database share the channel and are told apart by the envelope's `schema`.
 */
import type { ThreadStoreEvent } from "@codex-ts/thread-store";
import type { Sql, TransactionSql } from "postgres";
import * as z from "zod";

export const CHANNEL = "codex_ts_thread_events";

const Envelope = z.object({ origin: z.string(), schema: z.string(), event: z.looseObject({ type: z.string(), threadId: z.string() }) });

/** Announces `event` when the surrounding transaction commits. */
export async function announce(
  tx: TransactionSql | Sql,
  scope: { origin: string; schema: string },
  event: ThreadStoreEvent,
): Promise<void> {
  await tx`SELECT pg_notify(${CHANNEL}, ${JSON.stringify({ ...scope, event })})`;
}

export class EventHub {
  readonly #sql: Sql;
  readonly #origin: string;
  readonly #schema: string;
  readonly #listeners = new Set<(event: ThreadStoreEvent) => void>();
  #listening: Promise<{ unlisten(): Promise<void> } | null> | null = null;
  onError: (message: string) => void = () => undefined;

  constructor(sql: Sql, origin: string, schema: string) {
    this.#sql = sql;
    this.#origin = origin;
    this.#schema = schema;
  }

  subscribe(listener: (event: ThreadStoreEvent) => void): () => void {
    this.#listeners.add(listener);
    this.#listening ??= this.#sql
      .listen(CHANNEL, (payload) => this.#deliver(payload))
      .catch((error: unknown) => {
        this.onError(`cannot listen for thread changes: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      });
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Resolves once the listening connection is up (no-op when nobody subscribed). */
  async ready(): Promise<void> {
    await this.#listening;
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    const listening = await this.#listening;
    this.#listening = null;
    await listening?.unlisten().catch(() => undefined);
  }

  #deliver(payload: string): void {
    let envelope: z.infer<typeof Envelope>;
    try {
      envelope = Envelope.parse(JSON.parse(payload));
    } catch {
      return;
    }
    if (envelope.origin === this.#origin || envelope.schema !== this.#schema) return;
    for (const listener of this.#listeners) {
      try {
        listener(envelope.event as ThreadStoreEvent);
      } catch (error) {
        this.onError(`a thread-change listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
