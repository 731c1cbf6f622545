import { describe, expect, it } from "vitest";
import { type KeyContext, mainKeyEffect } from "./mainKeys.js";

const idle: KeyContext = { text: "", turnRunning: false, quitArmed: false, history: [], popupOpen: false };

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
    expect(mainKeyEffect({ kind: "enter" }, { ...idle, text: "/st", popupOpen: true })).toEqual({
      type: "complete",
      run: true,
    });
    expect(mainKeyEffect({ kind: "tab" }, { ...idle, text: "/st", popupOpen: true })).toEqual({
      type: "complete",
      run: false,
    });
  });

  it("Esc interrupts only while a turn runs; arrows walk the popup when open", () => {
    expect(mainKeyEffect({ kind: "escape" }, { ...idle, turnRunning: true })).toEqual({ type: "interrupt" });
    expect(mainKeyEffect({ kind: "escape" }, idle)).toEqual({ type: "none" });
    expect(mainKeyEffect({ kind: "down" }, { ...idle, popupOpen: true })).toEqual({
      type: "popupMove",
      delta: 1,
    });
    expect(mainKeyEffect({ kind: "up" }, idle)).toEqual({
      type: "composer",
      action: { type: "up", history: [] },
    });
  });
});
