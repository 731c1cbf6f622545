// Review mode: `startReview(session, target)` runs a code review as a turn of the thread.
import type { Session, StartTurnResult } from "../session/session.js";
import { ReviewTask, type ReviewOptions } from "./task.js";
import { type ReviewRequest, type ReviewTarget, reviewRequest } from "./target.js";

export { REVIEW_INSTRUCTIONS } from "./prompt.js";
export { formatReviewOutput, parseReviewOutput, ReviewFinding, ReviewOutput, reviewResultMessage } from "./output.js";
export { mergeBase, type ReviewRequest, type ReviewRequestResult, type ReviewTarget, reviewRequest } from "./target.js";
export { ReviewTask, type ReviewOptions } from "./task.js";
export { autoApprovalReviewer, GUARDIAN_INSTRUCTIONS, GUARDIAN_OUTPUT_SCHEMA, type GuardianAssessment, type GuardianReport, guardianMessage, parseAssessment } from "./guardian.js";
export { type HelperResult, type HelperTurn, runHelperTurn } from "./child.js";

/** `startReview`'s answer: the submission id of the review turn and what it reviews, or why none was started. */
export type StartReviewResult =
  | { ok: true; subId: string; request: ReviewRequest }
  | Extract<StartTurnResult, { ok: false }>
  | { ok: false; reason: "invalid"; error: string };

/**
 * Start a review of `target` on `session` (in its cwd) as a turn of its own: `task_started`,
 * `entered_review_mode`, the reviewer's commands, `exited_review_mode` with the review output, an
 * agent message with the formatted review, `task_complete`. Only when the session is idle.
 */
export function startReview(session: Session, target: ReviewTarget, options: ReviewOptions & { origin?: string } = {}): StartReviewResult {
  const built = reviewRequest(target, session.settings().cwd);
  if (!built.ok) return { ok: false, reason: "invalid", error: built.error };
  const started = session.startTask(new ReviewTask(session, built.request, options.origin ?? "user", options));
  return started.ok ? { ...started, request: built.request } : started;
}
