// Methods: thread lifecycle and catalog — thread/start|resume|fork|read|list|loaded/list|archive|
// unarchive|name/set|unsubscribe|compact/start.
import { v2 } from "@codex-ts/protocol";
import * as z from "zod";
import { invalidParams, invalidRequest } from "../errors.js";
import { updateReadState } from "../read-state.js";
import type { Runtime } from "../runtime.js";
import { type MethodContext, type MethodSpec, method } from "../server.js";
import type { LiveThread } from "../thread.js";
import { ThreadForkParams, ThreadReadStateUpdateParams, ThreadResumeParams, ThreadStartParams } from "../wire.js";
import { announceThreadGoal } from "./goals.js";

/**
 * Subscribes the requesting connection to the thread, announces the thread after its
 * start/fork response, then lets its held notifications through.
 */
function announce(ctx: MethodContext, thread: LiveThread, thread_v2: v2.Thread, started: boolean): void {
  thread.subscribers.add(ctx.server);
  ctx.afterResponse(() => {
    if (started) ctx.server.notify("thread/started", { thread: thread_v2 });
    thread.release();
  });
}

/**
 * Starts the server's warm-up for this thread's first turn once the response has been handed to
 * the OS (a resumed or forked thread's response can be large, and its flush must not wait for
 * it); the warm-up itself waits for the client to stay idle (server.ts `prewarm`).
 */
function warmAfterResponse(ctx: MethodContext): void {
  ctx.afterResponse(() => void ctx.server.flush().then(() => ctx.server.prewarm()));
}

/** [method name, spec] pairs, registered by buildMethods (methods/index.ts). */
export function threadMethods(runtime: Runtime): Array<[string, MethodSpec]> {
  const out: Array<[string, MethodSpec]> = [];
  const add = (method: string, spec: MethodSpec) => out.push([method, spec]);
  const threads = runtime.threads;

  /* ---------------------------------------------------------------- threads */

  add(
    "thread/start",
    method({
      params: ThreadStartParams,
      handler: async (p, ctx) => {
        const { response, thread } = await threads.start(p);
        announce(ctx, thread, response.thread, true);
        warmAfterResponse(ctx);
        return response;
      },
    }),
  );

  add(
    "thread/resume",
    method({
      params: ThreadResumeParams.extend({ threadId: z.string().default("") }).refine((p) => p.threadId !== "" || !!p.path, {
        message: "threadId or path is required",
        path: ["threadId"],
      }),
      handler: async (p, ctx) => {
        const { response, thread } = await threads.resume(p);
        announce(ctx, thread, response.thread, false);
        announceThreadGoal(ctx, thread);
        warmAfterResponse(ctx);
        return response;
      },
    }),
  );

  add(
    "thread/fork",
    method({
      params: ThreadForkParams.extend({ threadId: z.string().default("") }).refine((p) => p.threadId !== "" || !!p.path, {
        message: "threadId or path is required",
        path: ["threadId"],
      }),
      handler: async (p, ctx) => {
        const { response, thread } = await threads.fork(p);
        announce(ctx, thread, response.thread, true);
        warmAfterResponse(ctx);
        return response;
      },
    }),
  );

  add(
    "thread/read",
    method({
      params: v2.ThreadReadParams,
      handler: async (p) => ({ thread: await threads.read(p.threadId, p.includeTurns ?? false) }),
    }),
  );

  add("thread/list", method({ params: v2.ThreadListParams, handler: (p) => threads.list(p) }));

  add(
    "thread/loaded/list",
    method({
      params: v2.ThreadLoadedListParams,
      handler: (p) => {
        const ids = [...threads.threads.keys()].sort();
        const start = p.cursor ? Number.parseInt(p.cursor, 10) : 0;
        if (!Number.isSafeInteger(start) || start < 0) throw invalidParams("cursor: invalid cursor");
        const end = p.limit ? start + p.limit : ids.length;
        return { data: ids.slice(start, end), nextCursor: end < ids.length ? String(end) : null };
      },
    }),
  );

  add(
    "thread/archive",
    method({
      params: v2.ThreadArchiveParams,
      handler: async (p, ctx) => {
        await threads.archive(p.threadId);
        ctx.afterResponse(() => runtime.broadcast("thread/archived", { threadId: p.threadId }));
        return {};
      },
    }),
  );

  add(
    "thread/unarchive",
    method({
      params: v2.ThreadUnarchiveParams,
      handler: async (p, ctx) => {
        const thread = await threads.unarchive(p.threadId);
        ctx.afterResponse(() => runtime.broadcast("thread/unarchived", { threadId: p.threadId }));
        return { thread };
      },
    }),
  );

  add(
    "thread/name/set",
    method({
      params: v2.ThreadSetNameParams,
      handler: async (p, ctx) => {
        const loaded = threads.threads.has(p.threadId);
        await threads.setName(p.threadId, p.name);
        if (!loaded) {
          const name = p.name.trim() === "" ? null : p.name.trim();
          ctx.afterResponse(() => runtime.broadcast("thread/name/updated", { threadId: p.threadId, threadName: name }));
        }
        return {};
      },
    }),
  );

  add(
    "thread/unsubscribe",
    method({
      params: v2.ThreadUnsubscribeParams,
      handler: async (p, ctx) => {
        const thread = threads.threads.get(p.threadId);
        if (!thread) return { status: "notLoaded" };
        if (!thread.subscribers.remove(ctx.server)) return { status: "notSubscribed" };
        if (!thread.subscribed) await threads.unwatchSkills(p.threadId);
        return { status: "unsubscribed" };
      },
    }),
  );

  // Experimental: marks a durable thread read or unread (read-state.ts); every client hears the change.
  add(
    "thread/readState/update",
    method({
      params: ThreadReadStateUpdateParams,
      experimental: true,
      handler: async (p) => {
        const live = threads.threads.get(p.threadId);
        if (live?.ephemeral) throw invalidRequest("durable thread read state unavailable");
        if (!live) await threads.read(p.threadId, false);
        const readState = updateReadState(runtime.codexHome, p.threadId, p.operation.type, p.expectedRevision);
        runtime.broadcast("thread/readState/changed", { threadId: p.threadId, readState });
        return { readState };
      },
    }),
  );

  add(
    "thread/compact/start",
    method({
      params: v2.ThreadCompactStartParams,
      handler: (p, ctx) => {
        const thread = threads.loaded(p.threadId);
        thread.hold();
        ctx.afterResponse(() => thread.release());
        thread.compact();
        return {};
      },
    }),
  );
  return out;
}
