// thread/revert: drop a thread's turns from a given one on (its durable history and what the model
// sees next), as Codex 0.169 answers it. Files in the workspace are left as they are. Core does
// the dropping (the `thread_rollback` op, recorded as `thread_rolled_back`); it counts every turn,
// goal continuation turns without a user message included, as Codex 0.169 does.
// Known difference: real 0.169 starts a new rollout file on revert (`rollout-…-<thread>_<uuid>.jsonl`
// whose session_meta has `history_base: {thread_id, end_ordinal_exclusive, end_byte_offset}`, a
// pointer to the kept prefix of the old file). Our rollout readers (@codex-ts/rollout, thread-store)
// do not follow `history_base`, so the thread keeps one file with a `thread_rolled_back` line, which
// Codex's readers understand as well.
import type { SessionEvent } from "@codex-ts/core";
import * as z from "zod";
import { invalidRequest } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { type MethodSpec, method } from "../server.js";
import type { LiveThread } from "../thread.js";
import { awaitSubmission } from "./submission.js";

const ThreadRevertParams = z.object({ threadId: z.string(), beforeTurnId: z.string() });

/** How long thread/revert waits for core to drop the turns. */
const ROLLBACK_TIMEOUT_MS = 30_000;

/** Submit the rollback and wait for core's answer: `thread_rolled_back`, or its error. */
function rollback(thread: LiveThread, numTurns: number): Promise<true> {
  const answer = (event: SessionEvent): true | undefined => {
    if (event.msg.type === "error") throw invalidRequest(event.msg.message);
    return event.msg.type === "thread_rolled_back" ? true : undefined;
  };
  const submit = () => thread.session.submit({ type: "thread_rollback", num_turns: numTurns });
  return awaitSubmission(thread.session, submit, answer, { ms: ROLLBACK_TIMEOUT_MS, message: "the turns were not dropped in time" });
}

/** [method name, spec] pairs, registered by buildMethods (methods/index.ts). */
export function revertMethods(runtime: Runtime): Array<[string, MethodSpec]> {
  return [
    [
      "thread/revert",
      method({
        params: ThreadRevertParams,
        handler: async (p, ctx) => {
          const thread = runtime.threads.loaded(p.threadId);
          const turns = thread.turns();
          const index = turns.findIndex((turn) => turn.id === p.beforeTurnId);
          if (index < 0) throw invalidRequest(`turn not found: ${p.beforeTurnId}`);
          if (thread.activeTurnId) throw invalidRequest(`thread ${p.threadId} has a turn in progress; interrupt it before reverting`);
          await rollback(thread, turns.length - index);
          // Durable before the answer: a client reading the thread right away sees the shorter history.
          await thread.flush();
          ctx.afterResponse(() => thread.notify("thread/reverted", { threadId: thread.id }));
          // As Codex: the thread without its turns (page them with thread/turns/list).
          return { thread: thread.toV2(false), turnsBackwardsCursor: null, itemsBackwardsCursor: null };
        },
      }),
    ],
  ];
}
