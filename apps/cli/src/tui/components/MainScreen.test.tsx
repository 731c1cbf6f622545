import { existsSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { type Rig, startRig, until } from "../rig.js";
import { MainScreen } from "./MainScreen.js";

// The whole screen on a real in-process app-server and the fake model server.
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const type = async (stdin: { write(s: string): void }, text: string) => {
  stdin.write(text);
  await new Promise((resolve) => setTimeout(resolve, 30));
};

describe("MainScreen", () => {
  it("sends a typed prompt and shows the streamed answer", async () => {
    rig = await startRig({
      script: [turn(sse.message("Hello **there**, from the fake model", { phase: "final_answer" }))],
    });
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "say hello");
    expect(ui.lastFrame()).toContain("› say hello");
    await type(ui.stdin, "\r");
    await until(() => ui.lastFrame()?.includes("from the fake model"), 10_000, "the answer");
    await until(() => rig!.controller.state.turn === null, 10_000, "turn end");
    const frame = ui.lastFrame()!;
    expect(frame).toContain("gpt-test");
    expect(frame).toContain("Hello there, from the fake model");
    expect(frame).toContain("Ask Codex to do anything");
    const body = rig.server.responsesRequests()[0]!.body as { input: { content?: { text?: string }[] }[] };
    expect(JSON.stringify(body.input)).toContain("say hello");
    ui.unmount();
  });

  it("keeps a prompt typed while the thread opens and sends it once it is open", async () => {
    rig = await startRig({
      script: [turn(sse.message("answer to the early prompt", { phase: "final_answer" }))],
    });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "early prompt");
    await type(ui.stdin, "\r");
    expect(rig.server.responsesRequests()).toHaveLength(0);
    await rig.controller.openThread({ kind: "new" });
    await until(() => ui.lastFrame()?.includes("answer to the early prompt"), 10_000, "the answer");
    expect(JSON.stringify(rig.server.responsesRequests()[0]!.body)).toContain("early prompt");
    ui.unmount();
  });

  it.each([
    ["y", true],
    ["n", false],
  ] as const)(
    "asks before running a command with one button per availableDecisions entry; '%s' answers",
    async (answer, runs) => {
      rig = await startRig({
        script: [
          turn(
            sse.functionCall(
              "exec_command",
              { cmd: "touch approved-run", yield_time_ms: 10_000 },
              { callId: "c1" },
            ),
          ),
          turn(sse.message("ok", { phase: "final_answer" })),
        ],
        settings: { approvalPolicy: "untrusted" },
      });
      await rig.controller.openThread({ kind: "new" });
      const ui = render(<MainScreen controller={rig.controller} />);
      await type(ui.stdin, "run it");
      await type(ui.stdin, "\r");
      await until(
        () => ui.lastFrame()?.includes("Would you like to run the following command?"),
        10_000,
        "the approval overlay",
      );
      const pending = rig.controller.state.pending[0]!;
      const frame = ui.lastFrame()!;
      expect(frame).toContain("$ touch approved-run");
      const decisions =
        pending.kind === "command"
          ? (pending.params.availableDecisions ?? ["accept", "decline", "cancel"])
          : [];
      // One button per decision, numbered in the server's order.
      expect(frame).toContain(`${decisions.length}. `);
      expect(frame).not.toContain(`${decisions.length + 1}. `);
      await type(ui.stdin, answer);
      await until(() => rig!.controller.state.turn === null, 10_000, "turn end");
      expect(ui.lastFrame()).not.toContain("Would you like to run");
      expect(existsSync(path.join(rig.cwd, "approved-run"))).toBe(runs);
      if (runs) expect(ui.lastFrame()).toContain("Ran touch approved-run");
      else expect(ui.lastFrame()).toContain("interrupted");
      ui.unmount();
    },
  );

  it("handles keys that arrive in one input event (typing fast, then Enter)", async () => {
    rig = await startRig();
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "/status\r");
    await until(() => ui.lastFrame()?.includes("Directory:"), 5_000, "/status output");
    ui.unmount();
  });

  it("/status lists the session's model, directory and context", async () => {
    rig = await startRig();
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "/sta");
    expect(ui.lastFrame()).toContain("/status");
    await type(ui.stdin, "\r");
    await until(() => ui.lastFrame()?.includes("Directory:"), 5_000, "/status output");
    expect(ui.lastFrame()).toContain(`Directory:    ${rig.cwd}`);
    expect(ui.lastFrame()).toContain("% left");
    ui.unmount();
  });

  it("Ctrl-C twice on an idle composer quits", async () => {
    rig = await startRig();
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "\x03");
    expect(ui.lastFrame()).toContain("ctrl + c again to quit");
    expect(rig.exited()).toBe(false);
    await type(ui.stdin, "\x03");
    expect(rig.exited()).toBe(true);
    ui.unmount();
  });

  it("Ctrl-D quits only when the composer is empty", async () => {
    rig = await startRig();
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "x");
    await type(ui.stdin, "\x04");
    expect(rig.exited()).toBe(false);
    await type(ui.stdin, "\x7f");
    await type(ui.stdin, "\x04");
    expect(rig.exited()).toBe(true);
    ui.unmount();
  });

  it("Ctrl-C interrupts a running turn and says so", async () => {
    rig = await startRig({ script: [turn(sse.message("thinking forever"), { hold: true })] });
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "go");
    await type(ui.stdin, "\r");
    await until(
      () => rig!.controller.state.turn?.id && ui.lastFrame()?.includes("Working"),
      10_000,
      "the turn to run",
    );
    await type(ui.stdin, "\x03");
    await until(() => rig!.controller.state.turn === null, 10_000, "the interrupt");
    expect(ui.lastFrame()).toContain("Conversation interrupted");
    expect(rig.exited()).toBe(false);
    ui.unmount();
  });

  it("the resume picker finds a thread by its text and continues it", async () => {
    rig = await startRig({
      script: [
        turn(sse.message("about apples", { phase: "final_answer" })),
        turn(sse.message("about pears", { phase: "final_answer" })),
        turn(sse.message("more on apples", { phase: "final_answer" })),
      ],
    });
    for (const prompt of ["tell me about apples", "tell me about pears"]) {
      await rig.controller.openThread({ kind: "new" });
      await rig.controller.sendPrompt(prompt);
      await until(
        () =>
          rig!.controller.state.turn === null &&
          rig!.controller.state.cells.some((c) => c.kind === "separator"),
        10_000,
        "turn end",
      );
    }
    const ui = render(<MainScreen controller={rig.controller} />);
    await rig.controller.openPicker();
    const picker = () => ui.lastFrame()!.slice(ui.lastFrame()!.lastIndexOf("Resume a previous session"));
    await until(() => ui.lastFrame()?.includes("Resume a previous session"), 5_000, "the picker");
    expect(picker()).toContain("tell me about pears");
    await type(ui.stdin, "apples");
    expect(picker()).toContain("tell me about apples");
    expect(picker()).not.toContain("tell me about pears");
    await type(ui.stdin, "\r");
    await until(
      () => ui.lastFrame()?.includes("about apples") && rig!.controller.state.picker === null,
      10_000,
      "the resumed thread",
    );
    await type(ui.stdin, "again");
    await type(ui.stdin, "\r");
    await until(() => ui.lastFrame()?.includes("more on apples"), 10_000, "the continued thread's answer");
    const body = JSON.stringify(rig.server.responsesRequests()[2]!.body);
    expect(body).toContain("tell me about apples");
    expect(body).not.toContain("tell me about pears");
    ui.unmount();
  });

  it("recalls earlier prompts with Up", async () => {
    rig = await startRig({ script: [turn(sse.message("one", { phase: "final_answer" }))] });
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "first prompt");
    await type(ui.stdin, "\r");
    await until(
      () => rig!.controller.state.turn === null && rig!.controller.state.cells.length > 2,
      10_000,
      "turn end",
    );
    await type(ui.stdin, "\x1b[A");
    expect(ui.lastFrame()).toMatch(/› first prompt\s*\n/);
    ui.unmount();
  });
});
