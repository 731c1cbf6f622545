import { HookCommandOutput, type v2 } from "@codex-ts/protocol";
import type { z } from "zod";
import { EVENT_TRAITS, type HookEvent } from "./events.js";
import type { CommandRunResult } from "./runner.js";

type Entry = z.infer<typeof v2.HookOutputEntry>;
type Status = z.infer<typeof v2.HookRunStatus>;

/** How one handler's run turned out. */
export interface InterpretedRun {
  status: Status;
  entries: Entry[];
  /** The handler asks to block what the event guards (only for events that can block). */
  blockReason: string | null;
  /** `continue:false`: stop processing after this event. */
  stopReason: string | null;
  stop: boolean;
  additionalContexts: string[];
  systemMessages: string[];
  /** PreToolUse `permissionDecision:"allow"` with `updatedInput`. */
  updatedInput?: unknown;
  /** Plain-text stdout kept as debug output (not injected). */
  debugOutput: string | null;
}

const EXCERPT = 2000;
export function excerpt(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > EXCERPT ? `${trimmed.slice(0, EXCERPT)}…` : trimmed;
}

function nonEmpty(text: string | null | undefined): string | null {
  const trimmed = text?.trim() ?? "";
  return trimmed === "" ? null : trimmed;
}

function looksLikeJson(text: string): boolean {
  const trimmed = text.trimStart();
  return trimmed.startsWith("{") || trimmed.startsWith("[");
}

function fresh(): InterpretedRun {
  return {
    status: "completed",
    entries: [],
    blockReason: null,
    stopReason: null,
    stop: false,
    additionalContexts: [],
    systemMessages: [],
    debugOutput: null,
  };
}

function fail(run: InterpretedRun, text: string): InterpretedRun {
  run.status = "failed";
  run.entries.push({ kind: "error", text });
  return run;
}

function applyJson(event: HookEvent, out: HookCommandOutput, run: InterpretedRun): InterpretedRun {
  const traits = EVENT_TRAITS[event];
  const specific = out.hookSpecificOutput ?? null;
  if (nonEmpty(out.systemMessage) !== null) {
    run.systemMessages.push(out.systemMessage as string);
    run.entries.push({ kind: "warning", text: out.systemMessage as string });
  }

  // Validate the decision before honouring anything else in the output.
  let block: string | null = null;
  if (event === "PreToolUse") {
    if (out.continue === false) return fail(run, "PreToolUse hook returned unsupported continue:false");
    const permission = specific?.permissionDecision ?? null;
    if (permission === "ask") return fail(run, "PreToolUse hook returned unsupported permissionDecision:ask");
    if (permission === "deny") {
      block = nonEmpty(specific?.permissionDecisionReason) ?? nonEmpty(out.reason);
      if (block === null) {
        return fail(
          run,
          "PreToolUse hook returned permissionDecision:deny without a non-empty permissionDecisionReason",
        );
      }
    } else if (specific?.updatedInput !== undefined) {
      if (permission !== "allow") {
        return fail(run, "PreToolUse hook returned updatedInput without permissionDecision:allow");
      }
      run.updatedInput = specific.updatedInput;
    }
  }
  if (block === null && out.decision === "block") {
    if (!traits.canBlock) {
      run.entries.push({ kind: "warning", text: `${event} hooks cannot block; decision:block ignored` });
    } else {
      block = nonEmpty(out.reason);
      if (block === null)
        return fail(run, `${event} hook returned decision:block without a non-empty reason`);
    }
  }

  const context = nonEmpty(specific?.additionalContext);
  if (context !== null) {
    if (traits.acceptsAdditionalContext) {
      run.additionalContexts.push(context);
      run.entries.push({ kind: "context", text: context });
    } else {
      run.entries.push({
        kind: "warning",
        text: `${event} hooks cannot add context; additionalContext ignored`,
      });
    }
  }

  if (out.continue === false) {
    run.status = "stopped";
    run.stop = true;
    run.stopReason = nonEmpty(out.stopReason);
    if (run.stopReason !== null) run.entries.push({ kind: "stop", text: run.stopReason });
  } else if (block !== null) {
    run.status = "blocked";
    run.blockReason = block;
    run.entries.push({ kind: "feedback", text: block });
  }
  return run;
}

/**
 * Interpret one finished hook process for `event`, following Codex/Claude Code semantics:
 * exit 0 with a JSON object → decisions and context; exit 0 with plain text → context for
 * SessionStart/UserPromptSubmit, debug output otherwise; JSON-looking junk → failed; exit 2 →
 * blocked with stderr as the reason where the event can block, failed otherwise; any other exit
 * code, a signal, or a timeout → failed (never blocking).
 */
export function interpretRun(event: HookEvent, result: CommandRunResult): InterpretedRun {
  const run = fresh();
  const traits = EVENT_TRAITS[event];
  if (result.error !== null) return fail(run, result.error);
  if (result.exitCode === 0) {
    const stdout = result.stdout.trim();
    if (stdout === "") return run;
    let json: unknown;
    let isJson = false;
    try {
      json = JSON.parse(stdout);
      isJson = typeof json === "object" && json !== null && !Array.isArray(json);
    } catch {
      isJson = false;
    }
    if (isJson) {
      const parsed = HookCommandOutput.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return fail(
          run,
          `hook returned invalid ${event} JSON output (${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"})`,
        );
      }
      return applyJson(event, parsed.data, run);
    }
    if (looksLikeJson(stdout)) return fail(run, `hook returned invalid ${event} JSON output`);
    if (traits.plainTextIsContext) {
      run.additionalContexts.push(stdout);
      run.entries.push({ kind: "context", text: stdout });
    } else {
      run.debugOutput = excerpt(stdout);
    }
    return run;
  }
  if (result.exitCode === 2) {
    const reason = nonEmpty(result.stderr);
    if (!traits.canBlock) {
      return fail(
        run,
        `${event} hooks cannot block; exit code 2 treated as a failure${reason ? `: ${excerpt(reason)}` : ""}`,
      );
    }
    if (reason === null) {
      return fail(run, `${event} hook exited with code 2 but did not write a blocking reason to stderr`);
    }
    run.status = "blocked";
    run.blockReason = reason;
    run.entries.push({ kind: "feedback", text: reason });
    return run;
  }
  if (result.exitCode === null) {
    return fail(run, `hook exited without a status code${result.signal ? ` (signal ${result.signal})` : ""}`);
  }
  const stderr = nonEmpty(result.stderr);
  return fail(run, `hook exited with code ${result.exitCode}${stderr ? `: ${excerpt(stderr)}` : ""}`);
}
