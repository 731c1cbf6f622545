/**
 * js_repl through the built server (`features.js_repl = true`): the tool is offered to the model,
 * its kernel keeps bindings across turns, runs under the thread's sandbox (bwrap: a write outside
 * the workspace fails, one inside works), and a nested view_image's image comes back inside the
 * js_repl output (custom_tool_call_output content items), as Codex does.
 */
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { bwrapWorks, runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();
const sandboxed = bwrapWorks();

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

const jsCall = (input: string, callId: string) => turn([sse.customToolCall("js_repl", input, { callId })]);

/** The custom_tool_call_output the model got for `callId`. */
function customOutput(callId: string): unknown {
  for (const request of fx.fake.responsesRequests()) {
    const input = (request.body as { input?: Array<Record<string, unknown>> }).input ?? [];
    const item = input.find((i) => i.type === "custom_tool_call_output" && i.call_id === callId);
    if (item) return item.output;
  }
  return undefined;
}

describe("js_repl", () => {
  it("is offered only with features.js_repl", async () => {
    fx.fake.enqueue(turn([sse.message("ok")]));
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    await runTurn(s, thread.id, "hi");
    const tools = JSON.stringify((fx.fake.responsesRequests()[0]!.body as { tools: unknown }).tools);
    expect(tools).not.toContain('"js_repl"');
  });

  it.skipIf(!sandboxed)(
    "keeps state across turns, runs sandboxed, and returns nested view_image images",
    async () => {
      writeFileSync(path.join(fx.workDir, "dot.png"), PNG);
      const outside = path.join(fx.tempDir("js-repl-outside-"), "escape.txt");
      fx.fake.enqueue(
        jsCall(
          "const fs = require('node:fs'); let count = 41; fs.writeFileSync('inside.txt', 'ok'); console.log('wrote')",
          "j1",
        ),
        turn([sse.message("one")]),
        jsCall(
          `count += 1; try { require('node:fs').writeFileSync(${JSON.stringify(outside)}, 'x'); console.log('ESCAPED') } catch (e) { console.log('blocked', e.code) }\nconst seen = await codex.tool("view_image", { path: "dot.png" }); console.log("count", count, "images", seen.images)`,
          "j2",
        ),
        turn([sse.message("two")]),
      );
      const s = await fx.boot({ extraConfig: "\n[features]\njs_repl = true\n" });
      // /tmp and $TMPDIR excluded, so a second temp dir is outside every writable root.
      const { thread } = await s.call("thread/start", {
        cwd: fx.workDir,
        sandbox: "workspace-write",
        config: {
          "sandbox_workspace_write.exclude_slash_tmp": true,
          "sandbox_workspace_write.exclude_tmpdir_env_var": true,
        },
      });
      await runTurn(s, thread.id, "first");
      const tools = JSON.stringify((fx.fake.responsesRequests()[0]!.body as { tools: unknown }).tools);
      expect(tools).toContain('"js_repl"');
      expect(tools).toContain('"js_repl_reset"');
      expect(customOutput("j1")).toBe("wrote\n");
    // Shown to clients as a command named js_repl (Codex's exec begin/end for js_repl).
    const shown = s.notifications("item/completed").find((n) => n.params.item.id === "j1")?.params.item;
    expect(shown).toMatchObject({ type: "commandExecution", command: "js_repl", status: "completed", aggregatedOutput: "wrote\n" });
      expect(existsSync(path.join(fx.workDir, "inside.txt"))).toBe(true);

      await runTurn(s, thread.id, "second");
      const output = customOutput("j2") as Array<Record<string, unknown>>;
      expect(Array.isArray(output)).toBe(true);
      expect(output[0]).toMatchObject({ type: "input_text" });
      expect(String(output[0]!.text)).toMatch(/blocked E(ROFS|ACCES|PERM)/);
      expect(String(output[0]!.text)).toContain("count 42 images 1");
      expect(output[1]).toMatchObject({
        type: "input_image",
        image_url: expect.stringMatching(/^data:image\/png;base64,/),
      });
      expect(existsSync(outside)).toBe(false);
    },
  );
});
