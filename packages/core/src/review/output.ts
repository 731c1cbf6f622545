// The reviewer's answer: Codex's review output JSON (findings with title, body, confidence,
// priority and code location; an overall verdict), read leniently from the model's last message,
// and the text Codex shows for it (`exitedReviewMode.review`, the review turn's agent message).
import { z } from "zod";

const LineRange = z.object({ start: z.number().int(), end: z.number().int() });

export const ReviewFinding = z.object({
  title: z.string(),
  body: z.string().default(""),
  confidence_score: z.number().default(0),
  priority: z.number().int().nullish(),
  code_location: z.object({ absolute_file_path: z.string(), line_range: LineRange }),
});
export type ReviewFinding = z.infer<typeof ReviewFinding>;

/** Codex's `ReviewOutputEvent` (rollout `exited_review_mode.review_output`). */
export const ReviewOutput = z.object({
  findings: z.array(ReviewFinding).default([]),
  overall_correctness: z.string().default(""),
  overall_explanation: z.string().default(""),
  overall_confidence_score: z.number().default(0),
});
export type ReviewOutput = z.infer<typeof ReviewOutput>;

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

function findingText(finding: ReviewFinding): string {
  const at = finding.code_location;
  const head = `- ${finding.title} — ${at.absolute_file_path}:${at.line_range.start}-${at.line_range.end}`;
  const body = finding.body.trim();
  return body ? `${head}\n${body.replace(/^/gm, "  ")}` : head;
}

/**
 * The review as Codex prints it: the overall explanation, then "Review comment:" (one finding) or
 * "Full review comments:" (several) with one entry per finding — title — file:start-end, the body
 * indented by two spaces.
 */
export function formatReviewOutput(output: ReviewOutput): string {
  const parts: string[] = [];
  const explanation = output.overall_explanation.trim();
  if (explanation) parts.push(explanation);
  if (output.findings.length > 0) {
    const heading = output.findings.length === 1 ? "Review comment:" : "Full review comments:";
    parts.push(`${heading}\n\n${output.findings.map(findingText).join("\n\n")}`);
  }
  return parts.length > 0 ? parts.join("\n\n") : "The reviewer found no problems to report.";
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
