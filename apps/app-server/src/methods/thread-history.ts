// Methods on a thread's stored history: thread/delete, thread/metadata/update, thread/turns/list,
// thread/items/list (paginated), thread/inject_items,
// thread/approveGuardianDeniedAction — with Codex 0.169's validation errors.
import type { v2 } from "@codex-ts/protocol";
import * as z from "zod";
import { RpcError, invalidRequest } from "../errors.js";
import { page } from "../local-state.js";
import type { Runtime } from "../runtime.js";
import { type MethodSpec, method } from "../server.js";

const Cursor = z.string().nullish();
const Limit = z.number().int().min(0).nullish();
const Direction = z.enum(["asc", "desc"]).nullish();

/** A page in either direction: `desc` pages from the newest. */
function directed<T>(items: readonly T[], cursor: string | null | undefined, limit: number | null | undefined, direction: "asc" | "desc" | null | undefined) {
  const ordered = direction === "desc" ? [...items].reverse() : [...items];
  return { ...page(ordered, cursor, limit), backwardsCursor: null };
}

function unwrapStore<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }, what: string): T {
  if (!result.ok) throw invalidRequest(`${what}: ${result.error.message}`);
  return result.value;
}

/** [method name, spec] pairs, registered by buildMethods (methods/index.ts). */
export function threadHistoryMethods(runtime: Runtime): Array<[string, MethodSpec]> {
  const threads = runtime.threads;
  const turnsOf = async (threadId: string): Promise<v2.Turn[]> => (await threads.read(threadId, true)).turns;
  return [
    [
      "thread/delete",
      method({
        params: z.object({ threadId: z.string() }),
        handler: async (p) => {
          const live = threads.threads.get(p.threadId);
          if (live?.activeTurnId) throw invalidRequest(`thread ${p.threadId} has a turn in progress; interrupt it before deleting`);
          if (live) {
            await live.close();
            threads.threads.delete(p.threadId);
            await threads.unwatchSkills(p.threadId);
            if (live.ephemeral) return {};
          }
          const store = await threads.store();
          unwrapStore(await store.delete(p.threadId), `cannot delete thread ${p.threadId}`);
          return {};
        },
      }),
    ],
    [
      "thread/metadata/update",
      method({
        params: z.object({
          threadId: z.string(),
          gitInfo: z.object({ sha: z.string().nullish(), branch: z.string().nullish(), originUrl: z.string().nullish() }).nullish(),
        }),
        handler: async (p) => {
          if (!p.gitInfo || Object.values(p.gitInfo).every((v) => v === undefined)) {
            throw invalidRequest("thread metadata update must include at least one field");
          }
          const store = await threads.store();
          const current = unwrapStore(await store.read(p.threadId), `cannot read thread ${p.threadId}`);
          const before = (current as { gitInfo?: { sha: string | null; branch: string | null; originUrl: string | null } | null }).gitInfo;
          const gitInfo = {
            sha: p.gitInfo.sha !== undefined ? p.gitInfo.sha : (before?.sha ?? null),
            branch: p.gitInfo.branch !== undefined ? p.gitInfo.branch : (before?.branch ?? null),
            originUrl: p.gitInfo.originUrl !== undefined ? p.gitInfo.originUrl : (before?.originUrl ?? null),
          };
          const updated = unwrapStore(await store.updateMetadata(p.threadId, { gitInfo }), `cannot update thread ${p.threadId}`);
          const live = threads.threads.get(p.threadId);
          if (live) live.stored = updated;
          return { thread: await threads.read(p.threadId, false) };
        },
      }),
    ],
    [
      "thread/turns/list",
      method({
        params: z.object({ threadId: z.string(), cursor: Cursor, limit: Limit, sortDirection: Direction, itemsView: z.string().nullish() }),
        handler: async (p) => {
          const summary = p.itemsView !== "full";
          const turns = (await turnsOf(p.threadId)).map((turn) => (summary ? { ...turn, items: [], itemsView: "summary" } : turn));
          return directed(turns, p.cursor, p.limit, p.sortDirection);
        },
      }),
    ],
    [
      "thread/items/list",
      method({
        params: z.object({ threadId: z.string(), turnId: z.string().nullish(), cursor: Cursor, limit: Limit, sortDirection: Direction }).passthrough(),
        handler: async (p) => {
          const entries = (await turnsOf(p.threadId))
            .filter((turn) => !p.turnId || turn.id === p.turnId)
            .flatMap((turn) =>
              turn.items.map((item) => {
                const times = item as { startedAtMs?: number | null; completedAtMs?: number | null };
                return { turnId: turn.id, item, startedAtMs: times.startedAtMs ?? null, completedAtMs: times.completedAtMs ?? null };
              }),
            );
          const cursor = typeof p.cursor === "string" ? p.cursor : null;
          return directed(entries, cursor, p.limit, p.sortDirection);
        },
      }),
    ],
    [
      "thread/inject_items",
      method({
        params: z.object({ threadId: z.string(), items: z.array(z.record(z.string(), z.unknown())) }),
        handler: async (p) => {
          if (p.items.length === 0) throw invalidRequest("items must not be empty");
          // Core takes the items into the thread's history with the next model request.
          threads.loaded(p.threadId).session.inject(p.items as never);
          return {};
        },
      }),
    ],
    [
      "thread/approveGuardianDeniedAction",
      method({
        params: z.object({ threadId: z.string(), event: z.unknown() }),
        handler: (p) => {
          if (typeof p.event !== "object" || p.event === null || Array.isArray(p.event)) {
            const got = p.event === null ? "null" : Array.isArray(p.event) ? "a sequence" : `${typeof p.event}`;
            throw invalidRequest(`invalid Guardian denial event: invalid type: ${got}, expected struct GuardianAssessmentEvent`);
          }
          threads.loaded(p.threadId);
          // This server runs no Guardian reviewer, so no denial it issued can be approved.
          throw new RpcError(-32600, "no Guardian-denied action matches this event in the thread");
        },
      }),
    ],
  ];
}
