import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { fakeClipboard, TINY_PNG } from "../fake-clipboard.js";
import { composerLine, rigsPerTest, typeKeys as type, until } from "../rig.js";
import { MainScreen } from "./MainScreen.js";

// Ctrl-V on a real in-process app-server and the fake model; the clipboard is a fake `xclip`
// (a real executable on PATH) serving a real PNG.
const startRig = rigsPerTest();
const paste = (text: string) => `\x1b[200~${text}\x1b[201~`;

describe("MainScreen clipboard image (Ctrl-V)", () => {
  it("attaches the clipboard's image as the next [Image #N] after a pasted path; both are sent", async () => {
    const rig = await startRig({ script: [turn(sse.message("two images seen", { phase: "final_answer" }))] });
    const root = path.dirname(rig.cwd);
    const clip = fakeClipboard(root, ["xclip"]);
    clip.set({ "image/png": TINY_PNG });
    rig.env.PATH = `${clip.bin}:${process.env.PATH}`;
    rig.env.DISPLAY = ":0";
    rig.env.TMPDIR = root;
    writeFileSync(path.join(rig.cwd, "a.png"), TINY_PNG);
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "compare ");
    await type(ui.stdin, paste("a.png"));
    await type(ui.stdin, " with ");
    await type(ui.stdin, "\x16");
    await until(() => composerLine(ui.lastFrame()!).includes("[Image #2]"), 5_000, "the clipboard chip");
    expect(composerLine(ui.lastFrame()!)).toMatch(/^› compare \[Image #1\] with \[Image #2\]\s*$/);
    expect(clip.calls()).toContain("xclip -selection clipboard -t image/png -o");
    const saved = readdirSync(root).filter((f) => /^codex-clipboard-[0-9a-f]+\.png$/.test(f));
    expect(saved).toHaveLength(1);
    expect(readFileSync(path.join(root, saved[0]!))).toEqual(TINY_PNG);
    await type(ui.stdin, "\r");
    await until(() => ui.lastFrame()?.includes("two images seen"), 10_000, "the answer");
    const sent = JSON.stringify(rig.server.responsesRequests()[0]!.body);
    expect(sent).toContain("compare [Image #1] with [Image #2]");
    expect(sent.match(/data:image\/png;base64,/g)).toHaveLength(2);
    ui.unmount();
  });

  it("without a clipboard tool Ctrl-V says why in the transcript and the composer keeps its text", async () => {
    const rig = await startRig();
    rig.env.PATH = path.dirname(rig.cwd); // no xclip / wl-paste there
    rig.env.DISPLAY = ":0";
    rig.env.TMPDIR = path.dirname(rig.cwd);
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "keep me");
    await type(ui.stdin, "\x16");
    await until(() => ui.lastFrame()?.includes("Failed to paste image"), 5_000, "the error");
    expect(ui.lastFrame()).toContain(
      "Failed to paste image: clipboard unavailable: install xclip to paste images",
    );
    expect(composerLine(ui.lastFrame()!)).toMatch(/^› keep me\s*$/);
    expect(readdirSync(path.dirname(rig.cwd)).filter((f) => f.startsWith("codex-clipboard-"))).toEqual([]);
    ui.unmount();
  });
});
