// One turn of a helper sub-agent (the reviewer, the approval guardian): spawn a child of the
// session with its own instructions, read-only, never asking for approvals and without the
// editing, planning or feature tools; send one message; wait for its last message; shut it down.
import type { EventMsg } from "@codex-ts/protocol";
import { SUBAGENT_HEADER, PARENT_THREAD_HEADER } from "../session/children.js";
import type { SessionEvent } from "../session/events.js";
import type { Session } from "../session/session.js";

export interface HelperTurn {
  /** The sub-agent kind (`x-openai-subagent`): `review`, `guardian`. */
  kind: string;
  /** Its base instructions. */
  instructions: string;
  /** Its one user message. */
  message: string;
  model?: string;
  /** `final_output_json_schema` of the turn. */
  outputSchema?: unknown;
  /** Interrupts the helper (and makes the result `aborted`). */
  signal?: AbortSignal;
  /** Every event of the helper, as it happens. */
  onEvent?: (event: SessionEvent) => void;
}

export type HelperResult = { aborted: true } | { aborted: false; lastMessage: string | null; error?: string };

export async function runHelperTurn(session: Session, turn: HelperTurn): Promise<HelperResult> {
  if (turn.signal?.aborted) return { aborted: true };
  const parent = session.settings();
  const child = session.children.spawn({
    subagent: { agentId: turn.kind, agentType: turn.kind },
    baseInstructions: turn.instructions,
    developerInstructions: undefined,
    ...(turn.model ? { model: turn.model } : {}),
    approvalPolicy: "never",
    sandboxPolicy: { type: "read-only", network_access: false },
    tools: { shellTool: "unified_exec", applyPatchToolType: false, webSearch: false, requestPermissions: false },
    toolProviders: [],
    headers: { [SUBAGENT_HEADER]: turn.kind, [PARENT_THREAD_HEADER]: session.threadId },
    cwd: parent.cwd,
  });
  const listening = turn.onEvent ? child.subscribe(turn.onEvent) : () => {};
  const onAbort = () => child.submit({ type: "interrupt" });
  turn.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const result = new Promise<HelperResult>((resolve) => {
      let error: string | undefined;
      child.subscribe((event) => {
        const msg = event.msg as EventMsg;
        if (msg.type === "error") error = msg.message;
        else if (msg.type === "task_complete") resolve({ aborted: false, lastMessage: msg.last_agent_message ?? null, ...(error ? { error } : {}) });
        else if (msg.type === "turn_aborted" || msg.type === "shutdown_complete") resolve({ aborted: true });
      });
    });
    const op: Record<string, unknown> = { type: "user_input", items: [{ type: "text", text: turn.message, text_elements: [] }] };
    if (turn.outputSchema !== undefined) op.final_output_json_schema = turn.outputSchema;
    child.submit(op);
    const outcome = await result;
    return turn.signal?.aborted ? { aborted: true } : outcome;
  } finally {
    turn.signal?.removeEventListener("abort", onAbort);
    listening();
    await child.shutdown();
  }
}
