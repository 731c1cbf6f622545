interface Finding {
  title: string;
  body: string;
  location: string;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** The findings and explanation of the reviewer's JSON answer, or null when it is not one. */
function parseReview(message: string): { explanation: string; findings: Finding[] } | null {
  const json = message.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, "$1");
  let root: Record<string, unknown> | null;
  try {
    root = record(JSON.parse(json));
  } catch {
    return null;
  }
  if (!root || !Array.isArray(root.findings)) return null;
  const findings: Finding[] = [];
  for (const raw of root.findings) {
    const f = record(raw);
    if (!f || typeof f.title !== "string") return null;
    const at = record(f.code_location);
    const range = record(at?.line_range);
    const location =
      at && typeof at.absolute_file_path === "string" && range ? ` — ${at.absolute_file_path}:${range.start}-${range.end}` : "";
    findings.push({ title: f.title, body: typeof f.body === "string" ? f.body.trim() : "", location });
  }
  return { explanation: typeof root.overall_explanation === "string" ? root.overall_explanation.trim() : "", findings };
}

/**
 * The reviewer's JSON answer as text, laid out as Codex prints it: the overall explanation, then
 * one entry per finding (title — file:lines, the body indented). Anything else is shown as written.
 */
export function formatReview(message: string): string {
  const review = parseReview(message);
  if (!review) return message;
  const parts: string[] = [];
  if (review.explanation) parts.push(review.explanation);
  if (review.findings.length > 0) {
    const entries = review.findings.map((f) => `- ${f.title}${f.location}${f.body ? `\n${f.body.replace(/^/gm, "  ")}` : ""}`);
    parts.push(`${review.findings.length === 1 ? "Review comment:" : "Full review comments:"}\n\n${entries.join("\n\n")}`);
  }
  return parts.length > 0 ? parts.join("\n\n") : "The review found no problems.";
}
