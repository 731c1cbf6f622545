/**
 * End to end: the BUILT `codex-ts` in a real pseudo-terminal: a command the model leaves running
 * shows as a background terminal on the status line and in /ps, until it exits.
 */
import { describe, expect, it } from "vitest";
import { BUILT_BIN, builtCli, builtTuiFixture } from "./e2e-fixture.js";
import { PtySession } from "./pty-session.js";
import { leaveRunningScript } from "./rig.js";

const sessions: PtySession[] = [];
const fx = builtTuiFixture("tui-pty-bg-", () => {
  for (const s of sessions.splice(0)) s.kill();
});

describe.skipIf(!builtCli)("codex-ts TUI background terminals", { timeout: 60_000 }, () => {
  it("a command left running after its turn is summarised on the status line and listed by /ps", async () => {
    fx.configure(true);
    fx.server.enqueue(...leaveRunningScript("sleep 3; echo bg-done"));
    const tui = PtySession.spawn(process.execPath, [BUILT_BIN, "--yolo"], { cwd: fx.work, env: fx.env() });
    sessions.push(tui);
    await tui.waitFor("Ask Codex to do anything");
    await tui.type("start it\r");
    await tui.waitFor("left it running", 15_000);
    await tui.waitFor("1 background terminal running", 10_000);
    let mark = tui.raw.length;
    await tui.type("/ps\r");
    await tui.waitFor("Background terminals (1)", 10_000, mark);
    await tui.waitFor("sleep 3; echo bg-done", 10_000, mark);
    // Once the process exits (its item completes), the status line drops the summary.
    await tui.waitFor(/context left(?! ·)/, 15_000, tui.raw.length);
    mark = tui.raw.length;
    await tui.type("/ps\r");
    await tui.waitFor("No background terminals running.", 10_000, mark);
    expect(tui.raw.slice(mark)).not.toContain("background terminal running");
    expect(await tui.quit()).toBe(0);
  });
});
