import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { leaveRunningScript, rigsPerTest, typeKeys as type, until } from "../rig.js";
import { MainScreen } from "./MainScreen.js";

// Background terminals on a real in-process app-server: a unified-exec command outlives its turn.
const startRig = rigsPerTest();

describe("MainScreen background terminals", () => {
  it("shows a command still running after its turn in the status line and /ps, until it exits", async () => {
    const rig = await startRig({
      script: leaveRunningScript("sleep 2; echo bg-done"),
      settings: { approvalPolicy: "never", sandbox: "danger-full-access" },
    });
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "start a server");
    await type(ui.stdin, "\r");
    await until(() => rig.controller.state.turn === null, 10_000, "turn end");
    expect(ui.lastFrame()).toContain("left it running");
    const statusRow = () => ui.lastFrame()!.split("\n").at(-1)!;
    await until(() => statusRow().includes("1 background terminal running"), 2_000, "summary");
    // One row: the summary follows the context left, cut at the terminal's width rather than wrapped.
    expect(statusRow()).toMatch(/context left · 1 background terminal running · \/ps t?o?…?/);
    expect(ui.lastFrame()).toContain("› Ask Codex to do anything\n  gpt-test");

    await type(ui.stdin, "/ps\r");
    await until(() => ui.lastFrame()?.includes("Background terminals (1)"), 5_000, "/ps output");
    expect(ui.lastFrame()).toContain("• sleep 2; echo bg-done");

    // The process exits: the summary goes, and /ps says nothing runs.
    await until(() => rig.controller.state.background.length === 0, 10_000, "the process exit");
    await until(() => !statusRow().includes("background terminal"), 2_000, "summary gone");
    await type(ui.stdin, "/ps\r");
    await until(() => ui.lastFrame()?.includes("No background terminals running."), 5_000, "/ps empty");
    ui.unmount();
  });
});
