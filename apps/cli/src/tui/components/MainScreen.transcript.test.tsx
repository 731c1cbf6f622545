import { readFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { rigsPerTest, typeKeys as type, until } from "../rig.js";
import { MainScreen } from "./MainScreen.js";

// The transcript's cells for one turn that uses most item kinds, from a real in-process
// app-server and the fake model: reasoning summary, web search, plan update, patch (as a diff),
// command (output, exit, duration) and a markdown answer with a code block.
const startRig = rigsPerTest();

describe("MainScreen transcript", () => {
  it("shows reasoning, web search, plan, patch diff, command cell and markdown answer", async () => {
    const patch = "*** Begin Patch\n*** Add File: hello.txt\n+HELLO-FROM-PATCH\n*** End Patch\n";
    const rig = await startRig({
      settings: { sandbox: "workspace-write", approvalPolicy: "never" },
      script: [
        turn([
          sse.reasoning("Thinking about **the files**"),
          sse.webSearch("vitest pty docs"),
          sse.functionCall(
            "update_plan",
            {
              explanation: "two steps",
              plan: [
                { step: "write hello.txt", status: "completed" },
                { step: "print it", status: "in_progress" },
              ],
            },
            { callId: "plan1" },
          ),
        ]),
        turn(sse.customToolCall("apply_patch", patch, { callId: "patch1" })),
        turn(sse.functionCall("exec_command", { cmd: "cat hello.txt" }, { callId: "cmd1" })),
        turn(sse.message("Done:\n\n```ts\nconst answer = 42;\n```\n", { phase: "final_answer" })),
      ],
    });
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "do it all");
    await type(ui.stdin, "\r");
    await until(
      () => rig.controller.state.turn === null && ui.lastFrame()?.includes("Worked for"),
      15_000,
      "the turn",
    );
    const frame = ui.lastFrame()!;
    expect(frame).toContain("Thinking about the files");
    expect(frame).toMatch(/Searched vitest pty docs/);
    expect(frame).toContain("two steps");
    expect(frame).toMatch(/write hello\.txt/);
    expect(frame).toContain("Edited");
    expect(frame).toMatch(/hello\.txt \(add\)/);
    expect(frame).toContain("+HELLO-FROM-PATCH");
    expect(frame).toMatch(/Ran cat hello\.txt/);
    expect(frame).toMatch(/└ HELLO-FROM-PATCH/);
    expect(frame).toMatch(/exit 0 · \d/);
    expect(frame).toContain("const answer = 42;");
    expect(frame).not.toContain("```");
    expect(readFileSync(path.join(rig.cwd, "hello.txt"), "utf8")).toBe("HELLO-FROM-PATCH\n");
    ui.unmount();
  });
});
