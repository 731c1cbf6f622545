import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { type Rig, rigsPerTest, typeKeys as type, until } from "../rig.js";
import { MainScreen } from "./MainScreen.js";

// The slash commands not covered elsewhere, each on a real in-process app-server and the fake
// model: what the user reads, and what reaches the model.
const startRig = rigsPerTest();
const body = (r: Rig, i: number) => r.server.responsesRequests()[i]!.body as Record<string, unknown>;
const answer = (text: string) => turn(sse.message(text, { phase: "final_answer" }));

async function open(rig: Rig) {
  await rig.controller.openThread({ kind: "new" });
  const ui = render(<MainScreen controller={rig.controller} />);
  const run = async (line: string, expected: string) => {
    await type(ui.stdin, line);
    await type(ui.stdin, "\r");
    await until(() => ui.lastFrame()?.includes(expected), 10_000, `${expected} in:\n${ui.lastFrame()}`);
  };
  const idle = () => until(() => rig.controller.state.turn === null, 10_000, "the turn's end");
  return { ui, run, idle };
}

describe("MainScreen slash commands (settings, threads, goal, init)", () => {
  it("/model NAME and /permissions PRESET change the following turns; bare, they list the choices", async () => {
    const rig = await startRig({ script: [answer("on the other model")] });
    const { ui, run, idle } = await open(rig);
    await run("/model", "/model — type /model NAME to switch");
    expect(ui.lastFrame()).toContain("gpt-6.1-sol");
    await run("/model gpt-other", "Following turns use model gpt-other.");
    await run("/permissions", "full-access  no sandbox, never ask (dangerous)");
    await run("/permissions read-only", "Following turns use approvalPolicy on-request, sandbox read-only.");
    await run("hello", "on the other model");
    await idle();
    expect(body(rig, 0).model).toBe("gpt-other");
    expect(JSON.stringify(body(rig, 0))).toContain("read-only");
    await run("/status", "Directory:");
    expect(ui.lastFrame()).toContain("gpt-other");
    ui.unmount();
  });

  it("/fork continues a copy of the conversation; /new starts an empty one", async () => {
    const rig = await startRig({
      script: [answer("first answer"), answer("forked answer"), answer("fresh answer")],
    });
    const { ui, run, idle } = await open(rig);
    const original = rig.controller.state.session!.threadId;
    await run("remember PLUM-42", "first answer");
    await idle();
    await type(ui.stdin, "/fork\r");
    await until(() => rig.controller.state.session?.threadId !== original, 10_000, "the fork");
    await run("what did I say?", "forked answer");
    await idle();
    expect(JSON.stringify(body(rig, 1))).toContain("PLUM-42");
    const forked = rig.controller.state.session!.threadId;
    await type(ui.stdin, "/new\r");
    await until(() => rig.controller.state.session?.threadId !== forked, 10_000, "the new thread");
    await run("and now?", "fresh answer");
    expect(JSON.stringify(body(rig, 2))).not.toContain("PLUM-42");
    ui.unmount();
  });

  it("/resume opens the picker over this folder's threads; /quit leaves", async () => {
    const rig = await startRig({ script: [answer("kept")] });
    const { ui, run, idle } = await open(rig);
    await run("keep this thread", "kept");
    await idle();
    await run("/resume", "Resume a previous session");
    expect(ui.lastFrame()).toContain("keep this thread");
    await type(ui.stdin, "\x1b");
    await until(() => rig.controller.state.picker === null, 5_000, "the picker to close");
    await type(ui.stdin, "/quit\r");
    await until(() => rig.exited(), 5_000, "quit");
    ui.unmount();
  });

  it("/diff shows the session's changes after a patch, and says so before any", async () => {
    const patch = "*** Begin Patch\n*** Add File: notes.txt\n+DIFF-LINE-7\n*** End Patch\n";
    const rig = await startRig({
      script: [turn(sse.customToolCall("apply_patch", patch, { callId: "p1" })), answer("patched")],
      settings: { sandbox: "workspace-write", approvalPolicy: "never" },
    });
    const { ui, run, idle } = await open(rig);
    await run("/diff", "No changes in this session yet.");
    await run("add notes", "patched");
    await idle();
    await run("/diff", "+DIFF-LINE-7");
    expect(ui.lastFrame()).toContain("notes.txt");
    ui.unmount();
  });

  it("/compact summarises the thread (a compaction turn) and the next turn starts from the summary", async () => {
    const rig = await startRig({
      script: [answer("long answer"), answer("SUMMARY-OF-WORK"), answer("after compaction")],
    });
    const { ui, run, idle } = await open(rig);
    await run("do a lot", "long answer");
    await idle();
    await run("/compact", "Context compacted");
    await idle();
    await run("continue", "after compaction");
    expect(JSON.stringify(body(rig, 2))).toContain("SUMMARY-OF-WORK");
    ui.unmount();
  });

  it("/skills lists skills; /init asks for AGENTS.md; /goal sets (the model works on it), shows and clears it", async () => {
    const rig = await startRig({ script: [answer("wrote AGENTS.md"), answer("working on the parser")] });
    const skill = path.join(rig.codexHome, "skills", "lint-fix");
    mkdirSync(skill, { recursive: true });
    writeFileSync(
      path.join(skill, "SKILL.md"),
      "---\nname: lint-fix\ndescription: Fix lint errors\n---\nbody\n",
    );
    const { ui, run, idle } = await open(rig);
    await run("/skills", "$lint-fix — Fix lint errors");
    await run("/init", "wrote AGENTS.md");
    await idle();
    expect(JSON.stringify(body(rig, 0))).toContain("Generate a file named AGENTS.md");
    await run("/goal", "No goal set. Type /goal OBJECTIVE to set one.");
    // An active goal starts a turn toward it (as Codex's goal continuation does).
    await run("/goal ship the parser", "Goal set: ship the parser");
    await until(() => ui.lastFrame()?.includes("working on the parser"), 10_000, "the goal's turn");
    await idle();
    expect(JSON.stringify(body(rig, 1))).toContain("ship the parser");
    await run("/goal", "Goal (");
    expect(ui.lastFrame()).toMatch(/Goal \(\w+\): ship the parser/);
    await run("/goal clear", "Goal cleared.");
    ui.unmount();
  });
});
