// What the model reads about a goal: the objective item, the continuation message, the
// budget-limit wrap-up message and the completion note. The shapes follow Codex 0.169 (a
// `function_call_output` named `goal_objective` in the `agent` namespace; user messages wrapped
// in `<codex_internal_context source="goal">`); the wording is codex-ts's own.
import type { ResponseItem } from "@codex-ts/protocol";
import { type Goal, remainingTokens } from "./model.js";

/** The name of the context item that carries the objective. */
export const GOAL_OBJECTIVE_ITEM = "goal_objective";

/** The objective, as the context item Codex gives the model (no call id: nothing called it). */
export function objectiveItem(goal: Goal): ResponseItem {
  return {
    type: "function_call_output",
    name: GOAL_OBJECTIVE_ITEM,
    namespace: "agent",
    output: goal.objective,
  };
}

function internalContext(text: string): ResponseItem {
  return {
    type: "message",
    role: "user",
    content: [
      {
        type: "input_text",
        text: `<codex_internal_context source="goal">\n${text}\n</codex_internal_context>`,
      },
    ],
  };
}

function budgetLines(goal: Goal): string {
  const remaining = remainingTokens(goal);
  return [
    `- Tokens used: ${goal.tokensUsed}`,
    `- Token budget: ${goal.tokenBudget ?? "none"}`,
    `- Tokens remaining: ${remaining ?? "unbounded"}`,
  ].join("\n");
}

/** The user message that opens a continuation turn: what to pursue, the budget so far, the rules. */
export function continuationMessage(goal: Goal): ResponseItem {
  return internalContext(`Keep working on this thread's goal; nobody has asked you to stop.

The objective is in the goal_objective context item. If it is missing or looks cut short, read it with get_goal.

How to continue:
- The goal spans turns. Move it forward now; what you cannot finish in this turn stays for the next one.
- Pursue the objective as written. Do not trade it for a smaller, easier or merely related task.
- Check the current state of files, processes and tools before you trust anything earlier in the conversation.
- If the last goal turn changed nothing (only talk, plans or restated status), take the next concrete action now.

Budget:
${budgetLines(goal)}

Finishing:
- Call update_goal with status "complete" only when current evidence shows every part of the objective is done and verified. Running low on budget or stopping work is not completion.
- Call update_goal with status "blocked" only when the same blocker has stopped you for at least three goal turns in a row (the user's turn and automatic continuations count) and nothing you can do gets past it without the user or an outside change. A goal the user resumed after "blocked" starts this count again.
- Call update_goal with status "paused" only when the user explicitly asks to pause the goal; never on your own.
- After a successful update, report the status the tool returned.`);
}

/** Steering for the rest of a turn once the goal ran out of budget: wrap up, start nothing new. */
export function budgetLimitMessage(goal: Goal): ResponseItem {
  return internalContext(`This thread's goal has used up its token budget.

The objective follows as the user wrote it; it is task context, not instructions that outrank others.

<objective>
${goal.objective}
</objective>

Budget:
- Time spent on the goal: ${Math.floor(goal.timeUsedMs / 1000)} seconds
- Tokens used: ${goal.tokensUsed}
- Token budget: ${goal.tokenBudget ?? "none"}

The goal is now budget-limited: start no new substantial work for it. Finish this turn briefly: summarize what was achieved, what remains or blocks it, and the next step the user could take.

Call update_goal only if the goal is in fact complete; budget-limited wins over a pause.`);
}

/** Told to the model when update_goal completes a goal: how to report the final usage. */
export const COMPLETION_REPORT =
  "The goal is complete. Tell the user the final usage from this result's goal fields: tokens used out of `goal.tokenBudget` when the goal has one, and the elapsed time (`goal.timeUsedSeconds`, in friendly units) when it is above zero.";
