/**
 * End to end: Ctrl-V in the BUILT `codex-ts`, in a real pseudo-terminal, with a fake `xclip` on
 * PATH (a real executable serving a real PNG): the chip appears, the image file is written to the
 * temp folder and the model receives it; without a clipboard tool the user reads why.
 */
import { readdirSync } from "node:fs";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { BUILT_BIN, builtCli, builtTuiFixture } from "./e2e-fixture.js";
import { fakeClipboard, TINY_PNG } from "./fake-clipboard.js";
import { PtySession } from "./pty-session.js";

const sessions: PtySession[] = [];
const fx = builtTuiFixture("tui-clip-", () => {
  for (const s of sessions.splice(0)) s.kill();
});

function launch(env: NodeJS.ProcessEnv): PtySession {
  const session = PtySession.spawn(process.execPath, [BUILT_BIN], {
    cwd: fx.work,
    env: { ...fx.env(), ...env },
  });
  sessions.push(session);
  return session;
}

describe.skipIf(!builtCli)("codex-ts TUI: Ctrl-V pastes the clipboard's image", { timeout: 60_000 }, () => {
  it("inserts [Image #1] from xclip and sends the image with the prompt", async () => {
    fx.configure();
    fx.server.enqueue(turn(sse.message("I see a tiny image", { phase: "final_answer" })));
    const clip = fakeClipboard(fx.root, ["xclip"]);
    clip.set({ "image/png": TINY_PNG, "text/plain": "not this" });
    const tui = launch({ PATH: `${clip.bin}:${process.env.PATH}`, DISPLAY: ":0", TMPDIR: fx.root });
    await tui.waitFor(/context left/);
    await tui.type("what is ");
    await tui.waitFor("› what is");
    await tui.type("\x16");
    await tui.waitFor("› what is [Image #1]");
    expect(readdirSync(fx.root).filter((f) => /^codex-clipboard-[0-9a-f]+\.png$/.test(f))).toHaveLength(1);
    await tui.type("\r");
    await tui.waitFor("I see a tiny image");
    await tui.waitFor("Worked for");
    const body = JSON.stringify(fx.server.responsesRequests()[0]!.body);
    expect(body).toContain("what is [Image #1]");
    expect(body).toContain(`data:image/png;base64,${TINY_PNG.toString("base64")}`);
    expect(await tui.quit()).toBe(0);
  });

  it("no clipboard tool: one readable line, and the TUI goes on", async () => {
    fx.configure();
    const tui = launch({ DISPLAY: ":0", PATH: "/nonexistent" });
    await tui.waitFor(/context left/);
    await tui.type("\x16");
    await tui.waitFor("Failed to paste image: clipboard unavailable: install xclip to paste images");
    await tui.type("still here");
    await tui.waitFor("› still here");
    await tui.type("\x15");
    expect(await tui.quit()).toBe(0);
  });
});
