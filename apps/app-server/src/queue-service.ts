// The app-server side of Codex's message queue: the experimental thread/queue/* methods and the
// watcher that runs a loaded thread's queued messages (the store is queue.ts).
import { existsSync } from "node:fs";
import path from "node:path";
import { type UserInput, v2 } from "@codex-ts/protocol";
import { z } from "zod";
import { errorMessage, invalidParams, invalidRequest, threadNotFound } from "./errors.js";
import { toCoreUserInput } from "./mapping.js";
import { QUEUE_DB_FILE, type QueuedItem, QueueStore } from "./queue.js";
import type { Runtime } from "./runtime.js";
import { type MethodSpec, method } from "./server.js";
import type { LiveThread } from "./thread.js";

const Metadata = z.record(z.string(), z.string()).nullish();
const ThreadQueueAddParams = z.object({ threadId: z.string(), input: z.array(v2.UserInput), clientUserMessageId: z.string(), responsesapiClientMetadata: Metadata });
const ThreadQueueListParams = z.object({ threadId: z.string(), cursor: z.string().nullish(), limit: z.number().int().min(0).nullish() });
const ThreadQueueDeleteParams = z.object({ threadId: z.string(), queuedSubmissionId: z.string() });
const ThreadQueueReorderParams = z.object({ threadId: z.string(), queuedSubmissionIds: z.array(z.string()) });
const ThreadQueueUpdateParams = z.object({ threadId: z.string(), queuedSubmissionId: z.string(), input: z.array(v2.UserInput), responsesapiClientMetadata: Metadata });
const ThreadQueueStartParams = z.object({ threadId: z.string(), queuedSubmissionId: z.string().nullish() });

/** How often loaded threads look for messages another process queued (Codex: 10 s). */
const WATCH_INTERVAL_MS = 1_000;

/**
 * The experimental `thread/queue/*` methods over the durable queue, and the watcher that runs a
 * loaded thread's queue: when the thread is idle (and its last turn was not interrupted, which
 * pauses the queue until `thread/queue/start`), the head becomes a turn; a change by this or
 * another process is announced with `thread/queue/changed`.
 */
export class QueueService {
  #store: QueueStore | undefined;
  readonly #revisions = new Map<string, number>();
  readonly #dispatching = new Set<string>();
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly runtime: Runtime) {}

  /** Starts watching (an unref'd timer: it never keeps the process alive). */
  start(): void {
    this.#timer ??= setInterval(() => this.tick(), WATCH_INTERVAL_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#store?.close();
    this.#store = undefined;
  }

  #open(create: boolean): QueueStore | undefined {
    if (!this.#store && (create || existsSync(path.join(this.runtime.codexHome, QUEUE_DB_FILE)))) this.#store = QueueStore.open(this.runtime.codexHome);
    return this.#store;
  }

  /** One look at every loaded thread: announce queue changes, run an idle thread's next message. */
  tick(): void {
    if (this.runtime.threads.threads.size === 0) return;
    let store: QueueStore | undefined;
    try {
      store = this.#open(false);
    } catch (error) {
      this.runtime.log.warn(`message queue: ${errorMessage(error)}`);
    }
    if (!store) return;
    for (const thread of this.runtime.threads.threads.values()) {
      if (thread.ephemeral) continue;
      const revision = store.revision(thread.id);
      const seen = this.#revisions.get(thread.id);
      this.#revisions.set(thread.id, revision);
      if (seen !== undefined && seen !== revision) thread.notify("thread/queue/changed", { threadId: thread.id });
      void this.#dispatchIfIdle(thread);
    }
  }

  async #dispatchIfIdle(thread: LiveThread, only?: string, force = false): Promise<v2.Turn | undefined> {
    if (this.#dispatching.has(thread.id) || thread.status().type !== "idle") return undefined;
    const store = this.#open(false);
    const next = store?.list(thread.id).find((item) => item.input && (only === undefined || item.id === only));
    if (!next) return undefined;
    // Looked at only with something queued: building the turns' views costs on a long thread.
    if (!force && thread.turns().at(-1)?.status === "interrupted") return undefined;
    // Taken off the queue first: with several processes watching one file, only one gets it.
    if (!store || !next || !store.remove(thread.id, next.id)) return undefined;
    this.#changed(thread.id);
    this.#dispatching.add(thread.id);
    try {
      return await thread.startTurn({ type: "user_input", items: next.input, client_id: next.clientId });
    } catch (error) {
      this.runtime.log.warn(`queued message ${next.id} of thread ${thread.id} did not start: ${errorMessage(error)}`);
      return undefined;
    } finally {
      this.#dispatching.delete(thread.id);
    }
  }

  /** Tells the thread's clients its queue changed (when it is loaded) and remembers the revision. */
  #changed(threadId: string): void {
    const thread = this.runtime.threads.threads.get(threadId);
    if (!thread) return;
    this.#revisions.set(threadId, this.#store?.revision(threadId) ?? 0);
    thread.notify("thread/queue/changed", { threadId });
  }

  async #queueable(threadId: string): Promise<void> {
    if (this.runtime.threads.threads.get(threadId)?.ephemeral) throw invalidRequest(`thread ${threadId} is ephemeral: its messages cannot be queued`);
    const read = await (await this.runtime.threads.store()).read(threadId);
    if (!read.ok) throw read.error.code === "not_found" ? threadNotFound(threadId) : invalidRequest(read.error.message);
    if (read.value.archived) throw invalidRequest(`thread ${threadId} is archived`);
  }

  methods(): Array<[string, MethodSpec]> {
    const store = () => this.#open(true)!;
    const experimental = true;
    return [
      [
        "thread/queue/add",
        method({
          params: ThreadQueueAddParams,
          experimental,
          handler: async (p) => {
            await this.#queueable(p.threadId);
            const item = store().add(p.threadId, coreInputs(p.input), { clientId: p.clientUserMessageId, metadata: p.responsesapiClientMetadata ?? null });
            this.#changed(p.threadId);
            const thread = this.runtime.threads.threads.get(p.threadId);
            if (thread) void this.#dispatchIfIdle(thread);
            return { queuedSubmission: submission(item) };
          },
        }),
      ],
      [
        "thread/queue/list",
        method({
          params: ThreadQueueListParams,
          experimental,
          handler: (p) => {
            const all = this.#open(false)?.list(p.threadId) ?? [];
            const start = p.cursor ? all.findIndex((i) => i.id === p.cursor) + 1 : 0;
            if (p.cursor && start === 0) throw invalidParams(`unknown cursor: ${p.cursor}`);
            const page = all.slice(start, start + (p.limit || 50));
            const more = start + page.length < all.length;
            return { data: page.map(submission), nextCursor: more ? (page.at(-1)?.id ?? null) : null };
          },
        }),
      ],
      [
        "thread/queue/delete",
        method({
          params: ThreadQueueDeleteParams,
          experimental,
          handler: (p) => {
            const deleted = this.#open(false)?.remove(p.threadId, p.queuedSubmissionId) ?? false;
            if (deleted) this.#changed(p.threadId);
            return { deleted };
          },
        }),
      ],
      [
        "thread/queue/reorder",
        method({
          params: ThreadQueueReorderParams,
          experimental,
          handler: (p) => {
            if (!store().reorder(p.threadId, p.queuedSubmissionIds)) throw invalidParams("queuedSubmissionIds must list every queued submission of the thread exactly once");
            this.#changed(p.threadId);
            return {};
          },
        }),
      ],
      [
        "thread/queue/update",
        method({
          params: ThreadQueueUpdateParams,
          experimental,
          handler: (p) => {
            const item = store().update(p.threadId, p.queuedSubmissionId, coreInputs(p.input), p.responsesapiClientMetadata ?? null);
            if (!item) throw invalidParams(`no queued submission ${p.queuedSubmissionId} in thread ${p.threadId}`);
            this.#changed(p.threadId);
            return { queuedSubmission: submission(item) };
          },
        }),
      ],
      [
        "thread/queue/start",
        method({
          params: ThreadQueueStartParams,
          experimental,
          handler: async (p) => {
            const thread = this.runtime.threads.loaded(p.threadId);
            if (thread.status().type !== "idle") throw invalidRequest(`thread ${p.threadId} is running a turn`);
            const turn = await this.#dispatchIfIdle(thread, p.queuedSubmissionId ?? undefined, true);
            if (!turn) throw invalidRequest(p.queuedSubmissionId ? `no queued submission ${p.queuedSubmissionId} in thread ${p.threadId}` : `thread ${p.threadId} has nothing queued`);
            return { turn };
          },
        }),
      ],
    ];
  }
}

function coreInputs(input: v2.UserInput[]): UserInput[] {
  return input.map((item, index) => {
    const converted = toCoreUserInput(item);
    if ("error" in converted) throw invalidParams(`input.${index}: ${converted.error}`);
    return converted as UserInput;
  });
}

/** A stored item as the wire's QueuedSubmission (core input back to v2's camelCase). */
function submission(item: QueuedItem): Record<string, unknown> {
  return {
    id: item.id,
    clientUserMessageId: item.clientId,
    input: (item.input ?? []).flatMap((input): Record<string, unknown>[] => {
      const i = input as Record<string, unknown> & { type: string };
      switch (i.type) {
        case "text":
          return [{ type: "text", text: i.text, text_elements: ((i.text_elements as { byte_range: unknown; placeholder?: string }[]) ?? []).map((e) => ({ byteRange: e.byte_range, placeholder: e.placeholder ?? null })) }];
        case "image":
          return [{ type: "image", url: i.image_url, detail: i.detail ?? null }];
        case "local_image":
          return [{ type: "localImage", path: i.path, detail: i.detail ?? null }];
        case "skill":
        case "mention":
          return [{ type: i.type, name: i.name, path: i.path }];
        default:
          return [];
      }
    }),
    responsesapiClientMetadata: item.metadata,
  };
}

/** The thread/queue/* methods, with the watcher of this server's loaded threads started (methods/index.ts registers them). */
export function queueMethods(runtime: Runtime): Array<[string, MethodSpec]> {
  const service = new QueueService(runtime);
  service.start();
  return service.methods();
}
