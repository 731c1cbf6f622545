// `js_repl` (Codex feature `js_repl`, off by default): a persistent JavaScript REPL the model
// writes raw source to (a freeform tool; an optional first line `// codex-js-repl: timeout_ms=N`),
// with top-level await and bindings kept across calls, running in a Node child under the session's
// sandbox. `await codex.tool(name, args)` runs another built-in tool (not js_repl itself); images
// those calls return (view_image) are attached to the js_repl output after its text, as Codex does.
// `js_repl_reset` restarts the kernel.
import { effectivePermissions } from "../../permissions/effective.js";
import { commandEnv } from "../orchestrator.js";
import { buildToolRegistry, dispatchToolCall, type ToolProvider } from "../registry.js";
import type {
  ContentItem,
  FreeformToolSpec,
  FunctionToolSpec,
  ToolCall,
  ToolContext,
  ToolHandler,
  ToolResult,
} from "../types.js";
import { JsReplKernel } from "./manager.js";

export const JS_REPL_TOOL = "js_repl";
export const JS_REPL_RESET_TOOL = "js_repl_reset";
export const JS_REPL_PRAGMA = "// codex-js-repl:";
export const DEFAULT_JS_REPL_TIMEOUT_MS = 30_000;

// Raw source: an optional pragma line, then code whose first significant character is not `{`,
// `"` or a ``` fence (JSON wrappers, quoted strings and markdown are the usual mistakes).
const GRAMMAR = [
  "start: PRAGMA? CODE",
  "PRAGMA: /[ \\t]*\\/\\/ codex-js-repl:[^\\r\\n]*\\r?\\n/",
  'CODE: /\\s*([^\\s{"`]|`[^`]|``[^`])[\\s\\S]*/',
].join("\n");

const jsReplSpec: FreeformToolSpec = {
  type: "custom",
  name: JS_REPL_TOOL,
  description:
    'Run JavaScript in a persistent Node REPL (top-level await; variables and functions stay defined between calls). Send raw JavaScript, not JSON or markdown; an optional first line `// codex-js-repl: timeout_ms=15000` sets the time limit. Printed output and the value of the last expression come back. `await codex.tool(name, args)` calls another tool (e.g. `codex.tool("view_image", { path })`; images are attached to the result).',
  format: { type: "grammar", syntax: "lark", definition: GRAMMAR },
};

const jsReplResetSpec: FunctionToolSpec = {
  type: "function",
  name: JS_REPL_RESET_TOOL,
  description: "Restart the js_repl kernel, dropping every binding it holds.",
  strict: false,
  parameters: { type: "object", properties: {}, additionalProperties: false },
};

type Parsed = { ok: true; code: string; timeoutMs: number } | { ok: false; error: string };

/** The source and options of a js_repl call (freeform input, or `{code, timeout_ms}` as a function). */
export function parseJsReplInput(call: ToolCall): Parsed {
  let input: string;
  let timeout: number | undefined;
  if (call.payload.type === "custom") input = call.payload.input;
  else {
    let args: unknown;
    try {
      args = JSON.parse(call.payload.arguments);
    } catch {
      return { ok: false, error: "js_repl arguments must be JSON with a `code` string" };
    }
    const a = args as { code?: unknown; timeout_ms?: unknown };
    if (typeof a.code !== "string")
      return { ok: false, error: "js_repl arguments must be JSON with a `code` string" };
    input = a.code;
    if (typeof a.timeout_ms === "number") timeout = a.timeout_ms;
  }
  if (input.trim() === "")
    return {
      ok: false,
      error:
        "js_repl expects raw JavaScript source (non-empty), optionally with a first line `// codex-js-repl: timeout_ms=N`",
    };
  const newline = input.indexOf("\n");
  const first = (newline < 0 ? input : input.slice(0, newline)).trimStart();
  let code = input;
  if (first.startsWith(JS_REPL_PRAGMA)) {
    code = newline < 0 ? "" : input.slice(newline + 1);
    if (code.trim() === "")
      return {
        ok: false,
        error: "the js_repl pragma must be followed by JavaScript source on the next lines",
      };
    for (const token of first
      .slice(JS_REPL_PRAGMA.length)
      .split(/[\s,]+/)
      .filter(Boolean)) {
      const [key, value] = token.split("=", 2);
      if (key !== "timeout_ms" || value === undefined)
        return { ok: false, error: `js_repl pragma expects timeout_ms=<milliseconds>; got \`${token}\`` };
      if (!/^\d+$/.test(value))
        return { ok: false, error: `js_repl pragma timeout_ms must be an integer; got \`${value}\`` };
      timeout = Number(value);
    }
  }
  const lead = code.trimStart();
  if (lead.startsWith("```"))
    return { ok: false, error: "js_repl takes raw JavaScript, not a markdown code fence" };
  if (lead.startsWith("{") || lead.startsWith('"')) {
    try {
      JSON.parse(lead);
      return { ok: false, error: "js_repl takes raw JavaScript source, not JSON or a quoted string" };
    } catch {
      // a block or an object literal that is not JSON: JavaScript
    }
  }
  return { ok: true, code, timeoutMs: timeout ?? DEFAULT_JS_REPL_TIMEOUT_MS };
}

/** The js_repl tools of one session (one kernel, started on first use). */
export function jsReplTools(): ToolProvider {
  let kernel: JsReplKernel | null = null;
  const nested = buildToolRegistry({
    shellTool: "unified_exec",
    applyPatchToolType: "function",
    viewImage: true,
  });

  const ensureKernel = async (
    ctx: ToolContext,
  ): Promise<{ ok: true; kernel: JsReplKernel } | { ok: false; error: string }> => {
    const key = JSON.stringify([ctx.cwd, ctx.sandboxPolicy]);
    if (kernel?.alive && kernel.key === key) return { ok: true, kernel };
    kernel?.kill();
    kernel = null;
    const started = await JsReplKernel.start(
      (argv) =>
        ctx.runner.spawn({
          argv,
          cwd: ctx.cwd,
          env: commandEnv(ctx, false),
          sandbox: ctx.sandboxPolicy,
          permissions: effectivePermissions(ctx),
        }),
      key,
    );
    if (started.ok) kernel = started.kernel;
    return started;
  };

  const run: ToolHandler = {
    spec: jsReplSpec,
    async handle(call, ctx): Promise<ToolResult> {
      const parsed = parseJsReplInput(call);
      if (!parsed.ok) return { output: parsed.error, success: false };
      // Shown as a command named `js_repl`, as Codex shows it (exec begin/end).
      const startedAt = Date.now();
      const item = {
        type: "command_execution" as const,
        id: call.callId,
        command: JS_REPL_TOOL,
        argv: [JS_REPL_TOOL],
        cwd: ctx.cwd,
      };
      ctx.emit({ type: "item_started", item: { ...item, status: "in_progress" }, started_at_ms: startedAt });
      const end = (result: ToolResult, text: string): ToolResult => {
        const now = Date.now();
        const status = result.success ? ("completed" as const) : ("failed" as const);
        const done = {
          ...item,
          status,
          aggregatedOutput: text,
          exitCode: result.success ? 0 : 1,
          durationMs: now - startedAt,
        };
        ctx.emit({ type: "item_completed", item: done, completed_at_ms: now, started_at_ms: startedAt });
        return result;
      };
      const started = await ensureKernel(ctx);
      if (!started.ok) {
        const message = `js_repl kernel could not start: ${started.error}`;
        return end({ output: message, success: false }, message);
      }
      const images: ContentItem[] = [];
      let nestedCount = 0;
      const runTool = async (name: string, args: unknown) => {
        if (name === JS_REPL_TOOL || name === JS_REPL_RESET_TOOL)
          return { ok: false, output: "js_repl cannot call itself" };
        if (!nested.get(name)) return { ok: false, output: `unknown tool for codex.tool: ${name}` };
        const result = await dispatchToolCall(
          nested,
          {
            callId: `${call.callId}-js-${++nestedCount}`,
            name,
            payload: { type: "function", arguments: JSON.stringify(args ?? {}) },
          },
          ctx,
        );
        if (typeof result.output === "string") return { ok: result.success, output: result.output };
        const texts = result.output
          .filter((c) => c.type === "input_text")
          .map((c) => (c as { text: string }).text);
        const attached = result.output.filter((c) => c.type === "input_image");
        images.push(...attached);
        return { ok: result.success, output: { text: texts.join("\n"), images: attached.length } };
      };
      let timer: NodeJS.Timeout | undefined;
      const stop = new Promise<"timeout" | "interrupted">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), parsed.timeoutMs);
        ctx.signal.addEventListener("abort", () => resolve("interrupted"), { once: true });
      });
      const outcome = await Promise.race([started.kernel.exec(parsed.code, runTool), stop]);
      clearTimeout(timer);
      if (outcome === "timeout" || outcome === "interrupted") {
        started.kernel.kill();
        kernel = null;
        const why = outcome === "timeout" ? `timed out after ${parsed.timeoutMs} ms` : "was interrupted";
        const message = `js_repl execution ${why}; the kernel was reset (bindings are gone)`;
        return end({ output: message, success: false }, message);
      }
      const text =
        outcome.error === null
          ? outcome.output
          : `${outcome.output}${outcome.output && !outcome.output.endsWith("\n") ? "\n" : ""}${outcome.error}`;
      const success = outcome.error === null;
      if (images.length === 0) return end({ output: text, success }, text);
      return end(
        { output: [...(text ? [{ type: "input_text" as const, text }] : []), ...images], success },
        text,
      );
    },
  };

  const reset: ToolHandler = {
    spec: jsReplResetSpec,
    async handle(): Promise<ToolResult> {
      kernel?.kill();
      kernel = null;
      return { output: JSON.stringify({ status: "reset_all" }), success: true };
    },
  };

  return { name: "js_repl", handlers: () => [run, reset] };
}
