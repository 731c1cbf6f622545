/**
 * The seam between the session (turn loop) and the tools.
 *
 * The session turns a model output item (function_call / custom_tool_call) into a `ToolCall`,
 * finds the handler by name in the registry built for the turn, and turns the `ToolResult` into a
 * `function_call_output` / `custom_tool_call_output` input item for the next request.
 *
 * Tools emit small, transport-free `ToolEvent`s; the session stamps thread/turn ids and maps
 * them onto the core wire events (`item_started` / `item_completed` with protocol `TurnItem`s,
 * `exec_command_output_delta` with base64 chunks, `plan_update`). Policy and decision types
 * are @codex-ts/protocol's.
 */
//
// The types live in four rooms; this file is their one import path:
// ./types-calls.ts (calls, results, specs), ./types-events.ts (policies, approvals, tool events),
// ./types-runner.ts (the command runner seam), ./types-context.ts (context, handlers, registry).

export * from "./types-calls.js";
export * from "./types-context.js";
export * from "./types-events.js";
export * from "./types-runner.js";
