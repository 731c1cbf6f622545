/** The `apply_patch` tool, as a JSON function tool or as a freeform tool with a Lark grammar. */
import * as z from "zod";
import { parseArguments } from "../args.js";
import { assessPatch, patchDecisions, patchSessionKeys, requestApproval } from "../approval.js";
import type {
  FileChangeSummary,
  FreeformToolSpec,
  FunctionToolSpec,
  ToolCall,
  ToolContext,
  ToolHandler,
  ToolResult,
} from "../types.js";
import { commitPlan, planPatch, summarizeChanges } from "./apply.js";
import { parsePatch } from "./parser.js";
import { checkReadable, checkWritable, effectivePermissions } from "../../permissions/effective.js";
import path from "node:path";

/** The grammar the model's freeform output is constrained to (the Codex patch format). */
export const APPLY_PATCH_LARK_GRAMMAR = `start: begin_patch hunk+ end_patch
begin_patch: "*** Begin Patch" LF
end_patch: "*** End Patch" LF?

hunk: add_hunk | delete_hunk | update_hunk
add_hunk: "*** Add File: " filename LF add_line+
delete_hunk: "*** Delete File: " filename LF
update_hunk: "*** Update File: " filename LF change_move? change?

filename: /(.+)/
add_line: "+" /(.*)/ LF -> line

change_move: "*** Move to: " filename LF
change: (change_context | change_line)+ eof_line?
change_context: ("@@" | "@@ " /(.+)/) LF
change_line: ("+" | "-" | " ") /(.*)/ LF
eof_line: "*** End of File" LF

%import common.LF
`;

const FORMAT_DESCRIPTION = `Edit files with a patch in the apply_patch format (a stripped-down, file-oriented diff).

The patch is wrapped in "*** Begin Patch" and "*** End Patch" lines. Between them, one or more file operations, each starting with a header:
- "*** Add File: <path>" followed by the new file's lines, each prefixed with "+".
- "*** Delete File: <path>" with nothing after it.
- "*** Update File: <path>", optionally followed by "*** Move to: <new path>" to rename, then one or more hunks.

Each hunk starts with "@@" (optionally "@@ <line>" naming a class or function to locate the change), followed by lines prefixed with " " (unchanged context), "-" (removed) or "+" (added). Show about 3 lines of context above and below each change; use more "@@" lines when that is not unique. "*** End of File" may close a hunk that touches the end of the file.

Paths must be relative to the working directory, never absolute. New lines always need the "+" prefix, even in added files.

Example:
*** Begin Patch
*** Add File: hello.txt
+Hello world
*** Update File: src/app.py
*** Move to: src/main.py
@@ def greet():
-print("Hi")
+print("Hello, world!")
*** Delete File: obsolete.txt
*** End Patch`;

export function applyPatchFunctionSpec(): FunctionToolSpec {
  return {
    type: "function",
    name: "apply_patch",
    description: FORMAT_DESCRIPTION,
    strict: false,
    parameters: {
      type: "object",
      properties: {
        input: { type: "string", description: "The entire contents of the apply_patch command" },
      },
      required: ["input"],
      additionalProperties: false,
    },
  };
}

export function applyPatchFreeformSpec(): FreeformToolSpec {
  return {
    type: "custom",
    name: "apply_patch",
    description:
      "Use the `apply_patch` tool to edit files. This is a FREEFORM tool: send the patch text itself, not JSON.",
    format: { type: "grammar", syntax: "lark", definition: APPLY_PATCH_LARK_GRAMMAR },
  };
}

const ArgsSchema = z.object({ input: z.string() });

function patchText(call: ToolCall): { ok: true; text: string } | { ok: false; error: string } {
  if (call.payload.type === "custom") return { ok: true, text: call.payload.input };
  const parsed = parseArguments(call, ArgsSchema);
  return parsed.ok ? { ok: true, text: parsed.value.input } : parsed;
}

/** Parse, verify, ask for approval per policy, and apply a patch, emitting a FileChange item. */
export async function runApplyPatch(
  call: ToolCall,
  ctx: ToolContext,
  text: string,
  /** Where relative patch paths resolve (a shell heredoc's workdir); the permissions stay the turn's. */
  workdir: string = ctx.cwd,
): Promise<ToolResult> {
  const parsed = parsePatch(text);
  if (!parsed.ok) {
    return { output: `apply_patch verification failed: ${parsed.error}`, success: false };
  }
  const permissions = effectivePermissions(ctx);
  // A patch reads the files it updates (and shows diffs of them): never a file the turn may not read.
  for (const hunk of parsed.hunks) {
    if (hunk.type === "add") continue;
    const readable = checkReadable(permissions, path.resolve(workdir, hunk.path));
    if (!readable.ok) return { output: `patch rejected: ${readable.reason}`, success: false };
  }
  const plan = await planPatch(parsed.hunks, workdir);
  if (!plan.ok) {
    return { output: `apply_patch verification failed: ${plan.error}`, success: false };
  }
  const changes: Record<string, FileChangeSummary> = summarizeChanges(plan.changes);
  const touched = plan.changes.flatMap((c) =>
    c.kind === "update" && c.movePath !== undefined ? [c.path, c.movePath] : [c.path],
  );
  const id = call.callId;
  const finish = (status: "completed" | "failed" | "declined") =>
    ctx.emit({
      type: "item_completed",
      item: { type: "file_change", id, changes, status },
      completed_at_ms: Date.now(),
    });
  ctx.emit({
    type: "item_started",
    item: { type: "file_change", id, changes, status: "in_progress" },
    started_at_ms: Date.now(),
  });

  const assessment = assessPatch(touched, ctx.approvalPolicy, permissions);
  if (assessment.action === "reject") {
    finish("declined");
    return { output: `patch rejected: ${assessment.reason}`, success: false };
  }
  if (assessment.action === "ask") {
    const body = {
      kind: "patch" as const,
      callId: call.callId,
      turnId: ctx.turnId,
      changes,
      ...(assessment.reason !== undefined ? { reason: assessment.reason } : {}),
    };
    const outcome = await requestApproval(ctx, body, patchSessionKeys(changes), patchDecisions());
    if (outcome.kind !== "approved") {
      finish("declined");
      return {
        output: "patch rejected by user",
        success: false,
        ...(outcome.kind === "abort" ? { abortTurn: true } : {}),
      };
    }
  }
  if (ctx.signal.aborted) {
    finish("declined");
    return { output: "patch not applied: the turn was interrupted", success: false, abortTurn: true };
  }
  if (assessment.action === "run" && !checkWritable(permissions, touched).ok) {
    // Something (a symlink swap by a running command?) changed a path between the check and now.
    finish("declined");
    return { output: "patch rejected: a target path changed and is no longer writable", success: false };
  }
  const committed = await commitPlan(plan.changes);
  if (!committed.ok) {
    finish("failed");
    return { output: `apply_patch failed: ${committed.error}`, success: false };
  }
  finish("completed");
  return { output: committed.summary, success: true };
}

export function applyPatchHandler(kind: "function" | "freeform"): ToolHandler {
  return {
    spec: kind === "function" ? applyPatchFunctionSpec() : applyPatchFreeformSpec(),
    async handle(call, ctx) {
      const text = patchText(call);
      if (!text.ok) return { output: text.error, success: false };
      return runApplyPatch(call, ctx, text.text);
    },
  };
}
