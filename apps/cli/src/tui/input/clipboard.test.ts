import { mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeClipboard, fakeClipboard, TINY_PNG } from "../fake-clipboard.js";
import { type ClipboardImageError, clipboardImageFile } from "./clipboard.js";

// Real subprocesses (fake xclip / wl-paste scripts) and real files.
let root: string;
let out: string;
let clip: FakeClipboard;
beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), "tui-clip-")));
  out = mkdtempSync(path.join(root, "out-"));
  clip = fakeClipboard(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const read = (env: NodeJS.ProcessEnv) =>
  clipboardImageFile({ env: { PATH: `${clip.bin}:/usr/bin:/bin`, ...env }, dir: out, platform: "linux" });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error as ClipboardImageError,
  );

describe("clipboardImageFile", () => {
  it("saves the clipboard's PNG as codex-clipboard-*.png, readable by the user only (xclip on X11)", async () => {
    clip.set({ "image/png": TINY_PNG, "text/plain": "ignored" });
    const file = await read({ DISPLAY: ":0" });
    expect(path.dirname(file)).toBe(out);
    expect(path.basename(file)).toMatch(/^codex-clipboard-[0-9a-f]{12}\.png$/);
    expect(readFileSync(file)).toEqual(TINY_PNG);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(clip.calls()).toEqual([
      "xclip -selection clipboard -t TARGETS -o",
      "xclip -selection clipboard -t image/png -o",
    ]);
  });

  it("prefers wl-paste under Wayland, and falls back to xclip when wl-paste is missing", async () => {
    clip.set({ "image/png": TINY_PNG });
    await read({ WAYLAND_DISPLAY: "wayland-0", DISPLAY: ":0" });
    expect(clip.calls()).toEqual(["wl-paste --list-types", "wl-paste --no-newline --type image/png"]);
    rmSync(path.join(clip.bin, "wl-paste"));
    await read({ WAYLAND_DISPLAY: "wayland-0", DISPLAY: ":0" });
    expect(clip.calls().slice(2)[0]).toMatch(/^xclip /);
  });

  it("keeps a JPEG as .jpg; a copied image file (text/uri-list) is attached where it is", async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    clip.set({ "image/jpeg": jpeg });
    const saved = await read({ DISPLAY: ":0" });
    expect(saved).toMatch(/\.jpg$/);
    expect(readFileSync(saved)).toEqual(jpeg);
    const shot = path.join(root, "my shot.png");
    writeFileSync(shot, TINY_PNG);
    clip.set({ "text/uri-list": `# copied\r\n${pathToFileURL(shot).href}\r\n` });
    expect(await read({ DISPLAY: ":0" })).toBe(shot);
  });

  it("no image on the clipboard: says what it holds; image bytes that are not an image are refused", async () => {
    clip.set({ "text/plain": "hello" });
    const text = await failure(read({ DISPLAY: ":0" }));
    expect(text.reason).toBe("noImage");
    expect(text.message).toBe("no image on clipboard: the clipboard holds text/plain");
    clip.set({ "image/png": "not a png" });
    expect((await failure(read({ DISPLAY: ":0" }))).message).toBe(
      "no image on clipboard: xclip gave no image/png data",
    );
    clip.set({ "text/uri-list": pathToFileURL(path.join(root, "missing.png")).href });
    expect((await failure(read({ DISPLAY: ":0" }))).reason).toBe("noImage");
  });

  it("a tool that fails (nobody owns the clipboard) is reported with its own words", async () => {
    writeFileSync(
      path.join(clip.bin, "xclip"),
      "#!/bin/sh\necho 'Error: target TARGETS not available' >&2\nexit 1\n",
    );
    expect((await failure(read({ DISPLAY: ":0" }))).message).toBe(
      "no image on clipboard: xclip: Error: target TARGETS not available",
    );
  });

  it("no display, no tool, or not Linux: clipboard unavailable, saying what is missing", async () => {
    expect((await failure(read({}))).message).toBe(
      "clipboard unavailable: no display (neither WAYLAND_DISPLAY nor DISPLAY is set)",
    );
    const bare = (env: NodeJS.ProcessEnv) =>
      clipboardImageFile({ env: { PATH: out, ...env }, platform: "linux" });
    expect((await failure(bare({ DISPLAY: ":0" }))).message).toBe(
      "clipboard unavailable: install xclip to paste images",
    );
    expect((await failure(bare({ DISPLAY: ":0", WAYLAND_DISPLAY: "w" }))).message).toBe(
      "clipboard unavailable: install wl-paste (wl-clipboard) or xclip to paste images",
    );
    const mac = clipboardImageFile({ env: { DISPLAY: ":0" }, platform: "darwin" });
    expect((await failure(mac)).reason).toBe("unavailable");
  });
});
