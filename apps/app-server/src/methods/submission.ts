// Waiting for core's answer to one submission: submit (an op, or a seam such as `startReview`
// that returns a submission id), then resolve on the first event of that submission the caller
// recognises. Events core emits synchronously while submitting are replayed once the id is known.
import type { Session, SessionEvent } from "@codex-ts/core";
import { invalidRequest } from "../errors.js";

/**
 * `submit` returns the submission id, or throws (the error is passed on). `answer` returns the
 * result for an event of that submission (undefined: keep waiting) or throws to reject.
 */
export function awaitSubmission<T>(
  session: Session,
  submit: () => string,
  answer: (event: SessionEvent) => T | undefined,
  timeout: { ms: number; message: string },
): Promise<T> {
  return new Promise((resolve, reject) => {
    let subId: string | undefined;
    const early: SessionEvent[] = [];
    const finish = (settle: () => void) => {
      stop();
      clearTimeout(timer);
      settle();
    };
    const timer = setTimeout(() => finish(() => reject(invalidRequest(timeout.message))), timeout.ms);
    const settle = (event: SessionEvent) => {
      if (event.id !== subId) return;
      try {
        const result = answer(event);
        if (result !== undefined) finish(() => resolve(result));
      } catch (error) {
        finish(() => reject(error));
      }
    };
    const stop = session.subscribe((event) => (subId === undefined ? early.push(event) : settle(event)));
    try {
      subId = submit();
    } catch (error) {
      finish(() => reject(error));
      return;
    }
    for (const event of early) settle(event);
  });
}
