// Codex's review output (`ReviewOutputEvent`: findings with title, body, confidence, priority and
// code location, and an overall verdict), as `exited_review_mode.review_output` carries it, and the
// text Codex shows for it (`exitedReviewMode.review`): core, the app-server and rollout rebuilds
// all show the same words.
import * as z from "zod";

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
