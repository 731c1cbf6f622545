/** `update_plan`: the model's checklist for the task, forwarded as a plan update event. */
import * as z from "zod";
import { parseArguments } from "./args.js";
import type { FunctionToolSpec, ToolHandler } from "./types.js";

export function updatePlanSpec(): FunctionToolSpec {
  return {
    type: "function",
    name: "update_plan",
    description:
      "Updates the task plan.\nGive an optional explanation and the list of plan steps, each with a status. At most one step may be in_progress at a time.",
    strict: false,
    parameters: {
      type: "object",
      properties: {
        explanation: { type: "string" },
        plan: {
          type: "array",
          description: "The list of steps",
          items: {
            type: "object",
            properties: {
              step: { type: "string" },
              status: { type: "string", description: "One of: pending, in_progress, completed" },
            },
            required: ["step", "status"],
            additionalProperties: false,
          },
        },
      },
      required: ["plan"],
      additionalProperties: false,
    },
  };
}

const PlanArgs = z.object({
  explanation: z.string().nullish(),
  plan: z.array(
    z.object({
      step: z.string(),
      status: z.enum(["pending", "in_progress", "completed"]),
    }),
  ),
});

export function updatePlanHandler(): ToolHandler {
  return {
    spec: updatePlanSpec(),
    async handle(call, ctx) {
      if (ctx.planMode) {
        return {
          output: "update_plan is a TODO/checklist tool and is not allowed in Plan mode",
          success: false,
        };
      }
      const args = parseArguments(call, PlanArgs);
      if (!args.ok) return { output: args.error, success: false };
      ctx.emit({
        type: "plan_update",
        ...(args.value.explanation ? { explanation: args.value.explanation } : {}),
        plan: args.value.plan,
      });
      return { output: "Plan updated", success: true };
    },
  };
}
