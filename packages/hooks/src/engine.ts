import type { v2 } from "@codex-ts/protocol";
import type { HookState } from "./config.js";
import {
  applyHookStates,
  type ConfiguredHook,
  discoverHooks,
  type HookDiscoveryInput,
  type HookRegistry,
} from "./discovery.js";
import { EVENT_TRAITS, type HookEvent, matcherMatches } from "./events.js";
import { hookInput, type SubagentIdentity } from "./input.js";
import { excerpt, interpretRun } from "./output.js";
import { runCommand } from "./runner.js";

/** Fields every hook input carries. */
export interface HookContext {
  sessionId: string;
  turnId: string | null;
  cwd: string;
  transcriptPath: string | null;
  model: string;
  /** Claude Code permission mode: default | acceptEdits | plan | dontAsk | bypassPermissions. */
  permissionMode: string;
}

export type SessionStartSource = "startup" | "resume" | "clear" | "compact";

export type HookRequest = HookContext &
  (
    | {
        event: "SessionStart";
        source: SessionStartSource /** true for subagent threads: never fired */;
        isSubagent?: boolean;
      }
    | { event: "UserPromptSubmit"; prompt: string }
    | {
        event: "PreToolUse";
        /** Hook-facing tool name (`Bash` for shell tools; see hookToolName). */
        toolName: string;
        toolInput: unknown;
        toolUseId: string;
        /** Extra names the matcher may match (e.g. apply_patch → Write, Edit). */
        matcherAliases?: string[];
      }
    | {
        event: "PostToolUse";
        toolName: string;
        toolInput: unknown;
        toolUseId: string;
        toolResponse: unknown;
        matcherAliases?: string[];
      }
    | { event: "Stop"; stopHookActive: boolean; lastAssistantMessage: string | null }
    | { event: "SubagentStart"; agentId: string; agentType: string }
    | {
        event: "SubagentStop";
        agentId: string;
        agentType: string;
        agentTranscriptPath: string | null;
        stopHookActive: boolean;
        lastAssistantMessage: string | null;
      }
    | { event: "PreCompact" | "PostCompact"; trigger: "manual" | "auto" }
  );

/** Per-handler detail beyond the wire summary. */
export interface HandlerResult {
  hook: ConfiguredHook;
  run: v2.HookRunSummary;
  exitCode: number | null;
  timedOut: boolean;
  stdoutExcerpt: string;
  stderrExcerpt: string;
}

/** Aggregated result of one event firing. */
export interface HookEventOutcome {
  event: HookEvent;
  /** Completed summaries of the synchronous handlers, in display order. */
  runs: v2.HookRunSummary[];
  handlers: HandlerResult[];
  /** Matching hooks that did not run because they are untrusted or modified (enabled ones only). */
  skippedUntrusted: ConfiguredHook[];
  /** A handler blocked (exit 2, decision:block, permissionDecision:deny) on an event that can block. */
  blocked: boolean;
  /** Block reasons joined with blank lines (null when not blocked). */
  blockReason: string | null;
  /** A handler returned `continue:false`. */
  stop: boolean;
  stopReason: string | null;
  /** Text for the model's context, in display order. */
  additionalContexts: string[];
  /** `systemMessage`s for the user. */
  systemMessages: string[];
  /** PreToolUse: the input to run the tool with instead (last allowing handler wins). */
  updatedInput?: unknown;
}

export interface HookRunObserver {
  /** A handler is about to run (status `running`): emit `hook/started`. */
  onStarted?(run: v2.HookRunSummary, turnId: string | null): void;
  /** A handler finished: emit `hook/completed` and record it on the turn. */
  onCompleted?(run: v2.HookRunSummary, turnId: string | null): void;
}

export interface RunOptions extends HookRunObserver {
  signal?: AbortSignal;
}

function matcherInputs(request: HookRequest): string[] | null {
  switch (request.event) {
    case "SessionStart":
      return [request.source];
    case "PreToolUse":
    case "PostToolUse":
      return [request.toolName, ...(request.matcherAliases ?? [])];
    case "SubagentStart":
    case "SubagentStop":
      return [request.agentType];
    case "PreCompact":
    case "PostCompact":
      return [request.trigger];
    default:
      return null;
  }
}

function runId(hook: ConfiguredHook, request: HookRequest): string {
  return request.event === "PreToolUse" || request.event === "PostToolUse"
    ? `${hook.key}:${request.toolUseId}`
    : hook.key;
}

function summary(hook: ConfiguredHook, id: string, startedAt: number): v2.HookRunSummary {
  return {
    id,
    eventName: EVENT_TRAITS[hook.event].wire,
    handlerType: "command",
    executionMode: hook.async ? "async" : "sync",
    scope: EVENT_TRAITS[hook.event].scope,
    source: hook.source,
    sourcePath: hook.sourcePath,
    displayOrder: hook.displayOrder,
    status: "running",
    statusMessage: hook.statusMessage,
    startedAt,
    completedAt: null,
    durationMs: null,
    entries: [],
  };
}

function emptyOutcome(event: HookEvent): HookEventOutcome {
  return {
    event,
    runs: [],
    handlers: [],
    skippedUntrusted: [],
    blocked: false,
    blockReason: null,
    stop: false,
    stopReason: null,
    additionalContexts: [],
    systemMessages: [],
  };
}

/**
 * Runs discovered hooks at lifecycle points. Hold one per thread (or share one across threads
 * with the same config); call `setHookStates` when `hooks.state` changes to apply it live.
 */
export class HookEngine {
  private registry: HookRegistry;
  private readonly shell: string | undefined;
  private readonly pending = new Set<Promise<unknown>>();
  /** Set on a subagent's view (`forSubagent`): its identity goes into every input. */
  private subagent: SubagentIdentity | null = null;
  /** The engine views share their state with (itself, for an engine made with `new`). */
  private readonly root: HookEngine = this;

  constructor(input: HookDiscoveryInput, opts: { shell?: string } = {}) {
    this.registry = discoverHooks(input);
    this.shell = opts.shell;
  }

  /**
   * The same engine for a thread-spawned subagent: the same hooks, trust and live `hooks.state`
   * (changes made on this engine apply to the view too), but every input carries the subagent's
   * `agent_id` / `agent_type`, as Codex 0.169 writes them in a child's hook inputs.
   */
  forSubagent(identity: SubagentIdentity): HookEngine {
    const view = Object.create(this) as HookEngine;
    view.subagent = { ...identity };
    return view;
  }

  /** Every discovered hook with its enablement and trust, for hooks/list. */
  get hooks(): ConfiguredHook[] {
    return this.registry.hooks;
  }

  get warnings(): string[] {
    return this.registry.warnings;
  }

  get errors(): HookRegistry["errors"] {
    return this.registry.errors;
  }

  /**
   * Replace the effective `hooks.state` (after config/batchWrite or a config reload) without
   * re-reading hook files. Takes effect for the next event.
   */
  setHookStates(states: Record<string, HookState>): void {
    this.root.registry = {
      ...this.registry,
      states,
      hooks: applyHookStates(this.registry.hooks, states, this.registry.bypassHookTrust),
    };
  }

  /** Hooks of `request.event` whose matcher matches, split into runnable and untrusted ones. */
  select(request: HookRequest): { runnable: ConfiguredHook[]; untrusted: ConfiguredHook[] } {
    const inputs = matcherInputs(request);
    const matching = this.registry.hooks.filter(
      (hook) =>
        hook.event === request.event &&
        hook.enabled &&
        (inputs === null ? true : inputs.some((input) => matcherMatches(hook.matcher, input))),
    );
    return {
      runnable: matching.filter((hook) => hook.runnable),
      untrusted: matching.filter((hook) => !hook.runnable),
    };
  }

  /**
   * Fire `request.event`: run every matching runnable handler in parallel (each with its own
   * timeout), report each through `opts`, and aggregate. Async handlers are started and reported
   * through `opts` only. Never rejects.
   */
  async run(request: HookRequest, opts: RunOptions = {}): Promise<HookEventOutcome> {
    const outcome = emptyOutcome(request.event);
    if (request.event === "SessionStart" && request.isSubagent === true) return outcome;
    const { runnable, untrusted } = this.select(request);
    outcome.skippedUntrusted = untrusted;
    if (runnable.length === 0) return outcome;

    const input = `${JSON.stringify(hookInput(request, this.subagent))}\n`;
    type Ran = { handler: HandlerResult; interpreted: ReturnType<typeof interpretRun> };
    const runOne = async (hook: ConfiguredHook): Promise<Ran> => {
      const id = runId(hook, request);
      const started = summary(hook, id, Math.floor(Date.now() / 1000));
      opts.onStarted?.(started, request.turnId);
      const result = await runCommand({
        command: hook.command,
        input,
        cwd: request.cwd,
        env: hook.env,
        timeoutSec: hook.timeoutSec,
        signal: opts.signal,
        shell: this.shell,
      });
      const interpreted = interpretRun(hook.event, result);
      const run: v2.HookRunSummary = {
        ...started,
        status: interpreted.status,
        startedAt: result.startedAt,
        completedAt: result.completedAt,
        durationMs: result.durationMs,
        entries: interpreted.entries,
      };
      opts.onCompleted?.(run, request.turnId);
      const handler: HandlerResult = {
        hook,
        run,
        exitCode: result.exitCode,
        timedOut: result.timedOut,
        stdoutExcerpt: excerpt(result.stdout),
        stderrExcerpt: excerpt(result.stderr),
      };
      return { handler, interpreted };
    };

    for (const hook of runnable.filter((h) => h.async)) {
      const promise = runOne(hook).finally(() => this.pending.delete(promise));
      this.pending.add(promise);
    }
    const results = await Promise.all(runnable.filter((h) => !h.async).map(runOne));
    results.sort((a, b) => a.handler.hook.displayOrder - b.handler.hook.displayOrder);

    const blockReasons: string[] = [];
    for (const { interpreted, handler } of results) {
      outcome.handlers.push(handler);
      outcome.runs.push(handler.run);
      outcome.additionalContexts.push(...interpreted.additionalContexts);
      outcome.systemMessages.push(...interpreted.systemMessages);
      if (interpreted.blockReason !== null) blockReasons.push(interpreted.blockReason);
      if (interpreted.stop) {
        outcome.stop = true;
        outcome.stopReason ??= interpreted.stopReason;
      }
      if (interpreted.updatedInput !== undefined) outcome.updatedInput = interpreted.updatedInput;
    }
    if (blockReasons.length > 0) {
      outcome.blocked = true;
      outcome.blockReason = blockReasons.join("\n\n");
      // A blocked tool call does not run with rewritten input.
      delete outcome.updatedInput;
    }
    return outcome;
  }

  /** Wait for async handlers started by earlier events (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
