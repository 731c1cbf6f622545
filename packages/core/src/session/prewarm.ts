import { spawn } from "node:child_process";
import { isKnownSafeCommand } from "@codex-ts/execpolicy";
import { EventMsg, ResponseItem, ResponsesStreamEvent } from "@codex-ts/protocol";
import { localTimezone } from "./context.js";

/**
 * Pays a session's one-time costs ahead of the first turn: ICU time-zone data, the lazily loaded
 * `fetch` implementation, zod's first pass over the schemas every turn parses, the shell-script
 * parser (tree-sitter), and the first child-process spawn. A server calls it
 * once when it is idle (e.g. right after `initialize`); calling it is never required.
 */
export function prewarmCore(): void {
  localTimezone();
  // Node loads its fetch implementation on first access of the global.
  void globalThis.fetch;
  ResponseItem.safeParse({ type: "message", role: "user", content: [{ type: "input_text", text: "" }] });
  EventMsg.safeParse({ type: "agent_message", message: "" });
  ResponsesStreamEvent.safeParse({ type: "response.output_text.delta", delta: "", item_id: "", output_index: 0, content_index: 0 });
  isKnownSafeCommand(["bash", "-lc", "ls -la && echo warm | wc -l"]);
  try {
    spawn("true", [], { stdio: "ignore" }).on("error", () => {}).unref();
  } catch {
    // Warming up is best effort.
  }
}
