/** `request_user_input`: ask the user 1–3 short multiple-choice questions (plan mode only). */
import * as z from "zod";
import { parseArguments } from "./args.js";
import type { FunctionToolSpec, ToolHandler } from "./types.js";

export function requestUserInputSpec(): FunctionToolSpec {
  const option = {
    type: "object",
    properties: {
      label: { type: "string", description: "User-facing label (1-5 words)." },
      description: { type: "string", description: "One short sentence on the impact or tradeoff of this choice." },
    },
    required: ["label", "description"],
    additionalProperties: false,
  };
  const question = {
    type: "object",
    properties: {
      id: { type: "string", description: "Stable snake_case identifier used to map the answer." },
      header: { type: "string", description: "Short header shown in the UI (at most 12 characters)." },
      question: { type: "string", description: "The prompt shown to the user, in one sentence." },
      options: {
        type: "array",
        description:
          'Two or three mutually exclusive choices, the recommended one first with "(Recommended)" after its label. Do not add an "Other" choice: the client offers free-form input itself.',
        items: option,
      },
    },
    required: ["id", "header", "question", "options"],
    additionalProperties: false,
  };
  return {
    type: "function",
    name: "request_user_input",
    description:
      "Ask the user one to three short questions and wait for the answers. Only available in Plan mode; use it to settle decisions the plan depends on.",
    strict: false,
    parameters: {
      type: "object",
      properties: {
        questions: {
          type: "array",
          description: "Questions to show the user; prefer one and never more than three.",
          items: question,
        },
      },
      required: ["questions"],
      additionalProperties: false,
    },
  };
}

const Args = z.object({
  questions: z
    .array(
      z.object({
        id: z.string().min(1),
        header: z.string(),
        question: z.string(),
        options: z.array(z.object({ label: z.string(), description: z.string() })).optional(),
      }),
    )
    .min(1, "at least one question is required"),
});

const Response = z.object({
  answers: z.record(z.string(), z.object({ answers: z.array(z.string()) })),
});

export function requestUserInputHandler(): ToolHandler {
  return {
    spec: requestUserInputSpec(),
    async handle(call, ctx) {
      if (!ctx.planMode) {
        return { output: "request_user_input is unavailable in Default mode", success: false };
      }
      const args = parseArguments(call, Args);
      if (!args.ok) return { output: args.error, success: false };
      if (!ctx.requestUserInput) {
        return { output: "request_user_input is not supported by this client", success: false };
      }
      let raw: unknown;
      try {
        raw = await ctx.requestUserInput({
          callId: call.callId,
          turnId: ctx.turnId,
          questions: args.value.questions.map((q) => ({ ...q, isOther: true })),
        });
      } catch (err) {
        return { output: `request_user_input failed: ${(err as Error).message ?? String(err)}`, success: false };
      }
      const parsed = Response.safeParse(raw);
      if (!parsed.success) {
        return { output: "request_user_input failed: the client returned a malformed response", success: false };
      }
      return { output: JSON.stringify(parsed.data), success: true };
    },
  };
}
