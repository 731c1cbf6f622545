// review/start: a code review as a turn of the thread (core's review mode, `startReview`): the
// response carries the turn (its user message is what is reviewed), then `enteredReviewMode`, the
// reviewer's commands, `exitedReviewMode` with the formatted findings and an agent message with
// them, as Codex 0.169 answers it. Codex 0.169 only delivers reviews inline; a separate review
// thread is a thread the client starts first.
import { type ReviewTarget, type SessionEvent, startReview } from "@codex-ts/core";
import type { v2 } from "@codex-ts/protocol";
import * as z from "zod";
import { loadEffectiveConfig } from "../config.js";
import { invalidRequest } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { type MethodSpec, concurrently } from "../server.js";
import type { LiveThread } from "../thread.js";
import { awaitSubmission } from "./submission.js";

const ReviewTargetParams = z.discriminatedUnion("type", [
  z.object({ type: z.literal("uncommittedChanges") }),
  z.object({ type: z.literal("baseBranch"), branch: z.string() }),
  z.object({ type: z.literal("commit"), sha: z.string(), title: z.string().nullish() }),
  z.object({ type: z.literal("custom"), instructions: z.string() }),
]);

const ReviewStartParams = z.object({
  threadId: z.string(),
  target: ReviewTargetParams,
  delivery: z.string().nullish(),
});

/** How long review/start waits for core to begin the review turn. */
const START_TIMEOUT_MS = 60_000;

/** Start the review and resolve with its turn id once core began it. */
function beginReview(thread: LiveThread, target: ReviewTarget, model: string | undefined): Promise<{ turnId: string; hint: string }> {
  let hint = "";
  const submit = () => {
    const started = thread.beginReview(() => startReview(thread.session, target, model ? { model } : {}));
    if (started.ok) {
      hint = started.request.userFacingHint;
      return started.subId;
    }
    if (started.reason === "invalid") throw invalidRequest(started.error);
    throw invalidRequest(`thread ${thread.id} ${started.reason === "busy" ? "already has a turn in progress" : "is closed"}`);
  };
  const answer = (event: SessionEvent) => (event.msg.type === "task_started" ? { turnId: event.msg.turn_id, hint } : undefined);
  return awaitSubmission(thread.session, submit, answer, { ms: START_TIMEOUT_MS, message: "the review did not start in time" });
}

/** [method name, spec] pairs, registered by buildMethods (methods/index.ts). */
export function reviewMethods(runtime: Runtime): Array<[string, MethodSpec]> {
  return [
    [
      "review/start",
      // In the background, as turn/start: waiting for core must not hold up other threads' requests.
      concurrently({
        params: ReviewStartParams,
        handler: async (p, ctx) => {
          // As Codex 0.169: only inline delivery exists.
          if (p.delivery && p.delivery !== "inline") throw invalidRequest(`Invalid request: unknown variant \`${p.delivery}\`, expected \`inline\``);
          const thread = runtime.threads.loaded(p.threadId);
          if (thread.activeTurnId) throw invalidRequest(`thread ${thread.id} already has a turn in progress (${thread.activeTurnId})`);
          const cwd = thread.session.settings().cwd;
          const model = loadEffectiveConfig({ codexHome: runtime.codexHome, env: runtime.env, cwd }).config.reviewModel;
          // The turn's notifications follow the response.
          thread.hold();
          ctx.afterResponse(() => thread.release());
          const target = p.target as ReviewTarget;
          const { turnId, hint } = await beginReview(thread, target, model);
          const turn = {
            id: turnId,
            rootTurnId: null,
            items: [{ type: "userMessage", id: turnId, clientId: null, content: [{ type: "text", text: hint, text_elements: [] }], startedAtMs: null, completedAtMs: null }],
            itemsView: "notLoaded",
            status: "inProgress",
            error: null,
            startedAt: null,
            completedAt: null,
            durationMs: null,
          } as unknown as v2.Turn;
          return { turn, reviewThreadId: thread.id };
        },
      }),
    ],
  ];
}
