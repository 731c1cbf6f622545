import { describe, expect, it } from "vitest";
import { parseInput } from "./keys.js";
import { type KeyContext, mainKeyEffect } from "./mainKeys.js";

const idle: KeyContext = { text: "", turnRunning: false, quitArmed: false, history: [], popup: null };

describe("mainKeyEffect", () => {
  it("Ctrl-C interrupts a running turn, clears typed text, then arms and quits", () => {
    const ctrlC = { kind: "ctrl", letter: "c" } as const;
    expect(mainKeyEffect(ctrlC, { ...idle, turnRunning: true })).toEqual({ type: "interrupt" });
    expect(mainKeyEffect(ctrlC, { ...idle, text: "x" })).toEqual({
      type: "composer",
      action: { type: "clear" },
    });
    expect(mainKeyEffect(ctrlC, idle)).toEqual({ type: "armQuit" });
    expect(mainKeyEffect(ctrlC, { ...idle, quitArmed: true })).toEqual({ type: "quit" });
  });

  it("Ctrl-D quits only on an empty composer", () => {
    expect(mainKeyEffect({ kind: "ctrl", letter: "d" }, idle)).toEqual({ type: "quit" });
    expect(mainKeyEffect({ kind: "ctrl", letter: "d" }, { ...idle, text: "a" }).type).toBe("composer");
  });

  it("Enter submits non-blank text, runs the popup's command when it is open", () => {
    expect(mainKeyEffect({ kind: "enter" }, { ...idle, text: "  " })).toEqual({ type: "none" });
    expect(mainKeyEffect({ kind: "enter" }, { ...idle, text: "hi" })).toEqual({ type: "submit", text: "hi" });
    expect(mainKeyEffect({ kind: "enter" }, { ...idle, text: "/st", popup: "slash" })).toEqual({
      type: "complete",
      run: true,
    });
    expect(mainKeyEffect({ kind: "tab" }, { ...idle, text: "/st", popup: "slash" })).toEqual({
      type: "complete",
      run: false,
    });
  });

  it("Esc interrupts only while a turn runs; arrows walk the popup when open", () => {
    expect(mainKeyEffect({ kind: "escape" }, { ...idle, turnRunning: true })).toEqual({ type: "interrupt" });
    expect(mainKeyEffect({ kind: "escape" }, { ...idle, text: "typed" })).toEqual({ type: "none" });
    expect(mainKeyEffect({ kind: "escape" }, { ...idle, popup: "mention" })).toEqual({
      type: "dismissPopup",
    });
    expect(mainKeyEffect({ kind: "down" }, { ...idle, popup: "slash" })).toEqual({
      type: "popupMove",
      delta: 1,
    });
    expect(mainKeyEffect({ kind: "up" }, idle)).toEqual({
      type: "composer",
      action: { type: "up", history: [] },
    });
  });

  it("Esc Esc on an idle empty composer edits a previous message; Shift+Tab cycles the mode", () => {
    expect(mainKeyEffect({ kind: "escape" }, idle)).toEqual({ type: "armBacktrack" });
    expect(mainKeyEffect({ kind: "escape" }, { ...idle, backtrackArmed: true })).toEqual({
      type: "backtrack",
    });
    expect(mainKeyEffect({ kind: "backTab" }, idle)).toEqual({ type: "cycleMode" });
  });

  it("a bracketed paste is one paste effect; Enter on a mention popup completes without running", () => {
    expect(mainKeyEffect({ kind: "text", text: "a.png", pasted: true }, idle)).toEqual({
      type: "paste",
      text: "a.png",
    });
    expect(mainKeyEffect({ kind: "enter" }, { ...idle, text: "@src", popup: "mention" })).toEqual({
      type: "complete",
      run: false,
    });
  });

  it("Ctrl-V (\\x16 from the terminal) pastes the clipboard's image, typed text or not", () => {
    const [key] = parseInput("\x16");
    expect(key).toEqual({ kind: "ctrl", letter: "v" });
    expect(mainKeyEffect(key!, idle)).toEqual({ type: "pasteImage" });
    expect(mainKeyEffect(key!, { ...idle, text: "look at " })).toEqual({ type: "pasteImage" });
  });
});
