// The reviewer's answer: Codex's review output JSON (the schema and its text live in
// @codex-ts/protocol), read leniently from the model's last message, and the message the reviewed
// thread's history gets.
import { ReviewOutput } from "@codex-ts/protocol";

export { formatReviewOutput, ReviewFinding, ReviewOutput } from "@codex-ts/protocol";

function parseJson(text: string): ReviewOutput | null {
  try {
    const parsed = ReviewOutput.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The review output in the reviewer's last message: the whole message as JSON, else the outermost
 * `{…}` inside it (prose or a code fence around the JSON), else the text itself as the overall
 * explanation with no findings (a model that answered in prose still gets its words shown).
 */
export function parseReviewOutput(message: string): ReviewOutput {
  const text = message.trim();
  const whole = parseJson(text);
  if (whole) return whole;
  const first = text.indexOf("{");
  const last = text.lastIndexOf("}");
  if (first >= 0 && last > first) {
    const inner = parseJson(text.slice(first, last + 1));
    if (inner) return inner;
  }
  return { findings: [], overall_correctness: "", overall_explanation: text, overall_confidence_score: 0 };
}

/**
 * The user message the parent thread's history gets after a review, so the next turn can act on
 * its findings (Codex records a `<user_action>` message with the review's text).
 */
export function reviewResultMessage(reviewText: string): string {
  return [
    "<user_action>",
    "  <context>The user ran a code review; the reviewer's full output follows. The user may pick comments for you to resolve.</context>",
    "  <action>review</action>",
    "  <results>",
    `  ${reviewText}`,
    "  </results>",
    "  </user_action>",
    "",
  ].join("\n");
}
