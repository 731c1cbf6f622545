import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildToolRegistry, dispatchToolCall } from "../registry.js";
import { createLocalRunner } from "../exec/runner.js";
import { makeContext, type TestContext } from "../test-context.js";
import type { ToolCall, ToolContext, ToolRegistry } from "../types.js";
import { jsReplTools, parseJsReplInput } from "./handler.js";

// A 1x1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

let dir: string;
let registry: ToolRegistry;
let ctx: ToolContext;
let t: TestContext;
beforeEach(() => {
  registry = buildToolRegistry(
    { shellTool: false },
    jsReplTools().handlers({ threadId: "t", planMode: false }),
  );
  t = makeContext({ sandboxPolicy: { type: "danger-full-access" }, runner: createLocalRunner() });
  ctx = t.ctx;
  dir = t.dir;
});
afterEach(async () => {
  await dispatchToolCall(
    registry,
    { callId: "r", name: "js_repl_reset", payload: { type: "function", arguments: "{}" } },
    ctx,
  );
  t.cleanup();
});

let n = 0;
const js = (input: string): ToolCall => ({
  callId: `c${++n}`,
  name: "js_repl",
  payload: { type: "custom", input },
});

describe("js_repl input", () => {
  it("takes raw source with an optional timeout pragma and refuses JSON, quotes and fences", () => {
    expect(parseJsReplInput(js("1 + 1"))).toEqual({ ok: true, code: "1 + 1", timeoutMs: 30_000 });
    expect(parseJsReplInput(js("// codex-js-repl: timeout_ms=500\nawait 1"))).toEqual({
      ok: true,
      code: "await 1",
      timeoutMs: 500,
    });
    for (const [input, message] of [
      ['{"code":"1"}', "not JSON"],
      ['"1 + 1"', "not JSON"],
      ["```js\n1\n```", "markdown"],
      ["  ", "non-empty"],
      ["// codex-js-repl: timeout_ms=abc\n1", "must be an integer"],
      ["// codex-js-repl: poll=true\n1", "expects timeout_ms"],
      ["// codex-js-repl: timeout_ms=5", "followed by JavaScript"],
    ] as const) {
      const parsed = parseJsReplInput(js(input));
      expect(parsed.ok, input).toBe(false);
      if (!parsed.ok) expect(parsed.error).toContain(message);
    }
    expect(parseJsReplInput(js("{ let a = 1; a }")).ok).toBe(true);
  });
});

describe("js_repl kernel", () => {
  it("keeps bindings across calls, awaits at top level, reports errors, and resets", async () => {
    const run = (input: string) => dispatchToolCall(registry, js(input), ctx);
    expect(
      await run("const x = await Promise.resolve(40); console.log('x =', x); function f() { return 2 }"),
    ).toMatchObject({
      output: "x = 40\n",
      success: true,
    });
    expect(await run("x + f()")).toEqual({ output: "42", success: true });
    const failed = await run("null.boom");
    expect(failed.success).toBe(false);
    expect(failed.output).toContain("TypeError");
    expect(await run("x")).toEqual({ output: "40", success: true });
    await dispatchToolCall(
      registry,
      { callId: "r1", name: "js_repl_reset", payload: { type: "function", arguments: "{}" } },
      ctx,
    );
    expect((await run("typeof x")).output).toBe("undefined");
  });

  it("a timeout kills and resets the kernel", async () => {
    const run = (input: string) => dispatchToolCall(registry, js(input), ctx);
    await run("globalThis.kept = 1");
    const slow = await run("// codex-js-repl: timeout_ms=300\nawait new Promise(() => {})");
    expect(slow).toEqual({ output: expect.stringContaining("timed out after 300 ms"), success: false });
    expect((await run("typeof kept")).output).toBe("undefined");
  });

  it("attaches images from nested view_image calls after the text, and refuses to call itself", async () => {
    writeFileSync(path.join(dir, "dot.png"), PNG);
    const result = await dispatchToolCall(
      registry,
      js(
        'const seen = await codex.tool("view_image", { path: "dot.png" }); console.log("images:", seen.images)',
      ),
      ctx,
    );
    expect(result.success).toBe(true);
    expect(result.output).toEqual([
      { type: "input_text", text: "images: 1\n" },
      expect.objectContaining({
        type: "input_image",
        image_url: expect.stringMatching(/^data:image\/png;base64,/),
      }),
    ]);
    const self = await dispatchToolCall(registry, js('await codex.tool("js_repl", { code: "1" })'), ctx);
    expect(self.success).toBe(false);
    expect(self.output).toContain("js_repl cannot call itself");
  });
});
