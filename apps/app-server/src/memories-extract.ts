// Phase 1 of the memories job: what of a rollout the model sees, the request, and the answer.
import type { ResponsesRequest } from "@codex-ts/core";
import type { RolloutLine } from "@codex-ts/protocol";
import { z } from "zod";

/** What the extraction must answer (strict JSON schema). */
export const Extraction = z.object({
  rollout_summary: z.string(),
  rollout_slug: z.string().nullable(),
  raw_memory: z.string(),
});
export type Extraction = z.infer<typeof Extraction>;

const OUTPUT_SCHEMA = {
  type: "object",
  properties: {
    rollout_summary: { type: "string" },
    rollout_slug: { type: ["string", "null"] },
    raw_memory: { type: "string" },
  },
  required: ["rollout_summary", "rollout_slug", "raw_memory"],
  additionalProperties: false,
};

const INSTRUCTIONS = [
  "You extract durable memories from one past coding-agent session so that later sessions for the same user start better informed.",
  "Read the session (JSON response items) and answer with JSON only:",
  "- rollout_summary: one or two sentences on what the user wanted and what was done (the outcome, key files or commands);",
  "- rollout_slug: a short lowercase-hyphenated name for the task, or null;",
  "- raw_memory: markdown bullet points of facts worth remembering: the user's stated preferences and ways of working, project",
  "  facts, decisions, pitfalls found. Only what the session shows; nothing invented; no secrets, tokens or credentials.",
  "If nothing is worth remembering, answer with empty strings.",
].join("\n");

const MAX_TEXT = 4000;
const clip = (text: string) =>
  text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… [${text.length - MAX_TEXT} more characters]` : text;

/** Context the harness injects into user messages, not something the user said. */
function injectedFragment(text: string): boolean {
  const t = text.trim();
  return (
    (t.startsWith("# AGENTS.md instructions for ") && t.endsWith("</INSTRUCTIONS>")) ||
    (t.startsWith("<skill>") && t.endsWith("</skill>")) ||
    t.startsWith("<environment_context>")
  );
}

/**
 * The rollout's response items worth remembering: user and assistant messages (harness-injected
 * fragments and developer messages dropped), tool calls and their outputs (long text clipped);
 * reasoning and everything else left out.
 */
export function memoryItems(lines: readonly RolloutLine[]): unknown[] {
  const out: unknown[] = [];
  for (const line of lines) {
    if (line.type !== "response_item") continue;
    const item = line.payload as Record<string, unknown>;
    if (item.type === "message") {
      if (item.role === "developer" || item.role === "system") continue;
      const content = (item.content as Array<{ type: string; text?: string }>).filter(
        (c) => (c.type === "input_text" || c.type === "output_text") && !injectedFragment(c.text ?? ""),
      );
      if (content.length === 0) continue;
      out.push({
        type: "message",
        role: item.role,
        content: content.map((c) => ({ type: c.type, text: clip(c.text ?? "") })),
      });
    } else if (item.type === "function_call" || item.type === "custom_tool_call") {
      out.push({
        type: item.type,
        name: item.name,
        arguments: clip(String(item.arguments ?? item.input ?? "")),
      });
    } else if (item.type === "function_call_output" || item.type === "custom_tool_call_output") {
      const output = typeof item.output === "string" ? item.output : JSON.stringify(item.output);
      out.push({ type: item.type, output: clip(output) });
    }
  }
  return out;
}

/** Secrets that must not reach a memory file (API keys, bearer tokens, private keys). */
export function redactSecrets(text: string): string {
  return text
    .replace(/\b(sk|rk|pk)-[A-Za-z0-9_-]{16,}/g, "[REDACTED]")
    .replace(/\b(gh[pousr]_[A-Za-z0-9]{20,})/g, "[REDACTED]")
    .replace(/(authorization:\s*bearer\s+)[^\s"']+/gi, "$1[REDACTED]")
    .replace(
      /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
      "[REDACTED PRIVATE KEY]",
    );
}

export function extractionRequest(model: string, cwd: string, items: unknown[]): ResponsesRequest {
  const session = redactSecrets(JSON.stringify(items));
  return {
    model,
    instructions: INSTRUCTIONS,
    input: [
      {
        type: "message",
        role: "user",
        content: [
          {
            type: "input_text",
            text: `Session working directory: ${cwd}\n\nSession items (JSON):\n${session}`,
          },
        ],
      },
    ],
    tools: [],
    tool_choice: "auto",
    parallel_tool_calls: false,
    reasoning: null,
    store: false,
    stream: true,
    include: [],
    text: { format: { type: "json_schema", name: "memory_extraction", strict: true, schema: OUTPUT_SCHEMA } },
  };
}

/** The model's answer, checked; secrets redacted again on the way out. */
export function parseExtraction(text: string): Extraction {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`the memory extraction answer is not JSON: ${text.slice(0, 200)}`);
  }
  const parsed = Extraction.safeParse(value);
  if (!parsed.success)
    throw new Error(
      `the memory extraction answer has the wrong shape: ${parsed.error.issues[0]?.message ?? ""}`,
    );
  return {
    rollout_summary: redactSecrets(parsed.data.rollout_summary),
    rollout_slug: parsed.data.rollout_slug === null ? null : redactSecrets(parsed.data.rollout_slug),
    raw_memory: redactSecrets(parsed.data.raw_memory),
  };
}
