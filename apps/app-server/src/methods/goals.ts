// Methods: thread/goal/get|set|clear, the thread/goal/updated and thread/goal/cleared
// notifications, and the goal of a loaded thread (its core goal runtime, persisted to the
// thread's rollout and store). A thread that is not loaded is read and changed in the store.
import {
  fromSnapshot,
  type Goal,
  type GoalEvent,
  GoalRuntime,
  goalFromEvents,
  goalsFor,
  setGoal,
  type ToolProviderSource,
  toSnapshot,
  toThreadGoal,
} from "@codex-ts/core";
import { type EventMsg, type RolloutLine, v2 } from "@codex-ts/protocol";
import type { ThreadStore } from "@codex-ts/thread-store";
import { errorMessage, invalidRequest } from "../errors.js";
import type { Logger } from "../log.js";
import type { Runtime } from "../runtime.js";
import { type MethodContext, type MethodSpec, method } from "../server.js";
import type { LiveThread } from "../thread.js";

interface ThreadGoals {
  runtime: GoalRuntime;
  /** Notifications held while a thread/goal/set is answered (they follow its response, as in Codex). */
  held: Array<[string, unknown]> | null;
}

const goalsOf = new WeakMap<LiveThread, ThreadGoals>();

function eventsOf(lines: readonly RolloutLine[]): EventMsg[] {
  return lines.flatMap((line) => (line.type === "event_msg" ? [line.payload] : []));
}

function fromStored(goal: v2.ThreadGoal): Goal {
  return fromSnapshot({ ...goal, tokenBudget: goal.tokenBudget ?? undefined });
}

/**
 * Glue for opening a thread (start, resume, fork): the thread's goal runtime, whose changes go
 * to the thread's rollout, to the store (`store()`, unless the thread is ephemeral) and to the
 * thread's subscribers; returns the session's `toolProviders` entry.
 */
export function threadGoalProvider(
  thread: LiveThread,
  store: () => Promise<ThreadStore>,
  log: Logger,
): ToolProviderSource {
  const runtime = new GoalRuntime({ threadId: thread.id });
  const entry: ThreadGoals = { runtime, held: null };
  goalsOf.set(thread, entry);
  let writes: Promise<unknown> = Promise.resolve();
  runtime.subscribe((event) => {
    thread.recorder.recordEvent(event);
    if (!thread.activeTurnId) void thread.flush();
    const note = notification(event);
    if (entry.held) entry.held.push(note);
    else thread.notify(...note);
    if (thread.ephemeral) return;
    writes = writes
      .then(async () => {
        const target = await store();
        const result =
          event.type === "thread_goal_updated"
            ? await target.setGoal(thread.id, toThreadGoal(fromSnapshot(event.goal)))
            : await target.clearGoal(thread.id);
        if (!result.ok) throw new Error(result.error.message);
      })
      .catch((error) => log.error(`thread ${thread.id}: cannot store the goal: ${errorMessage(error)}`));
  });
  return goalsFor(runtime);
}

/** Glue for resume/fork: the goal the thread had, from its store, else from its rollout lines. */
export async function restoreThreadGoal(
  thread: LiveThread,
  store: ThreadStore | null,
  lines: readonly RolloutLine[],
): Promise<void> {
  const runtime = goalsOf.get(thread)?.runtime;
  if (!runtime) return;
  const stored = store && !thread.ephemeral ? await store.getGoal(thread.id) : null;
  const goal =
    stored?.ok && stored.value ? fromStored(stored.value) : goalFromEvents(eventsOf(lines), thread.id);
  runtime.restore(goal);
}

/**
 * Glue for thread/resume: after the response, the resuming client gets the thread's goal as a
 * `thread/goal/updated` (no turn id), as Codex sends it; an active goal then goes on.
 */
export function announceThreadGoal(ctx: MethodContext, thread: LiveThread): void {
  const runtime = goalsOf.get(thread)?.runtime;
  const goal = runtime?.get();
  ctx.afterResponse(() => {
    if (goal)
      ctx.server.notify("thread/goal/updated", {
        threadId: thread.id,
        turnId: null,
        goal: toThreadGoal(goal),
      });
    runtime?.continueIfIdle();
  });
}

function notification(event: GoalEvent): [string, unknown] {
  if (event.type === "thread_goal_cleared") return ["thread/goal/cleared", { threadId: event.threadId }];
  const goal = toThreadGoal(fromSnapshot(event.goal));
  return ["thread/goal/updated", { threadId: event.threadId, turnId: event.turnId ?? null, goal }];
}

/** A thread that is not loaded: its goal as stored (or as its rollout last recorded it). */
async function storedGoal(store: ThreadStore, threadId: string): Promise<Goal | null> {
  const exists = await store.read(threadId);
  if (!exists.ok) throw invalidRequest(`thread not found: ${threadId}`);
  const stored = await store.getGoal(threadId);
  if (!stored.ok) throw invalidRequest(`cannot read the goal of thread ${threadId}: ${stored.error.message}`);
  if (stored.value) return fromStored(stored.value);
  const loaded = await store.load(threadId);
  return loaded.ok ? goalFromEvents(eventsOf(loaded.value.lines), threadId) : null;
}

/** Keeps a thread's rollout in step with its stored goal (so either one can restore it). */
async function appendGoalLine(store: ThreadStore, event: GoalEvent, runtime: Runtime): Promise<void> {
  const appended = await store.append(event.threadId, [{ type: "event_msg", payload: event }]);
  if (!appended.ok)
    runtime.log.warn(`thread ${event.threadId}: cannot record the goal change: ${appended.error.message}`);
}

export function goalMethods(runtime: Runtime): Array<[string, MethodSpec]> {
  const threads = runtime.threads;
  const live = (threadId: string) => {
    const thread = threads.threads.get(threadId);
    const entry = thread && goalsOf.get(thread);
    return thread && entry ? { thread, goals: entry.runtime, entry } : undefined;
  };
  return [
    [
      "thread/goal/get",
      method({
        params: v2.ThreadGoalGetParams,
        handler: async (p): Promise<v2.ThreadGoalGetResponse> => {
          const loaded = live(p.threadId);
          const goal = loaded ? loaded.goals.get() : await storedGoal(await threads.store(), p.threadId);
          return { goal: goal ? toThreadGoal(goal) : null };
        },
      }),
    ],
    [
      "thread/goal/set",
      method({
        params: v2.ThreadGoalSetParams,
        handler: async (p, ctx): Promise<v2.ThreadGoalSetResponse> => {
          const request = {
            objective: p.objective ?? null,
            status: p.status ?? null,
            tokenBudget: p.tokenBudget ?? null,
          };
          const loaded = live(p.threadId);
          if (loaded) {
            const { thread, goals, entry } = loaded;
            entry.held ??= [];
            const result = goals.set(request, { continueNow: false });
            const release = () => {
              const held = entry.held ?? [];
              entry.held = null;
              for (const note of held) thread.notify(...note);
            };
            if (!result.ok) {
              release();
              throw invalidRequest(result.error);
            }
            ctx.afterResponse(() => {
              release();
              goals.continueIfIdle();
            });
            return { goal: toThreadGoal(result.value) };
          }
          const store = await threads.store();
          const result = setGoal(
            await storedGoal(store, p.threadId),
            request,
            p.threadId,
            Math.floor(Date.now() / 1000),
          );
          if (!result.ok) throw invalidRequest(result.error);
          const goal = toThreadGoal(result.value);
          const saved = await store.setGoal(p.threadId, goal);
          if (!saved.ok) throw invalidRequest(`cannot store the goal: ${saved.error.message}`);
          await appendGoalLine(
            store,
            { type: "thread_goal_updated", threadId: p.threadId, goal: toSnapshot(result.value) },
            runtime,
          );
          ctx.afterResponse(() =>
            ctx.server.notify("thread/goal/updated", { threadId: p.threadId, turnId: null, goal }),
          );
          return { goal };
        },
      }),
    ],
    [
      "thread/goal/clear",
      method({
        params: v2.ThreadGoalClearParams,
        handler: async (p, ctx): Promise<v2.ThreadGoalClearResponse> => {
          const loaded = live(p.threadId);
          if (loaded) return { cleared: loaded.goals.clear() };
          const store = await threads.store();
          if (!(await store.read(p.threadId)).ok) throw invalidRequest(`thread not found: ${p.threadId}`);
          const cleared = await store.clearGoal(p.threadId);
          if (!cleared.ok) throw invalidRequest(`cannot clear the goal: ${cleared.error.message}`);
          if (cleared.value)
            await appendGoalLine(store, { type: "thread_goal_cleared", threadId: p.threadId }, runtime);
          if (cleared.value)
            ctx.afterResponse(() => ctx.server.notify("thread/goal/cleared", { threadId: p.threadId }));
          return { cleared: cleared.value };
        },
      }),
    ],
  ];
}
