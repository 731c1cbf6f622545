import { describe, expect, it } from "vitest";
import { parseInput } from "./keys.js";

describe("parseInput", () => {
  it("tells Enter from the newline keys", () => {
    expect(parseInput("\r")).toEqual([{ kind: "enter" }]);
    expect(parseInput("\n")).toEqual([{ kind: "newline" }]);
    expect(parseInput("\x1b\r")).toEqual([{ kind: "newline" }]);
    expect(parseInput("\x1b[13;2u")).toEqual([{ kind: "newline" }]);
    expect(parseInput("\x1b[27;2;13~")).toEqual([{ kind: "newline" }]);
  });

  it("splits typed runs into text and control keys", () => {
    expect(parseInput("hi\r")).toEqual([{ kind: "text", text: "hi" }, { kind: "enter" }]);
    expect(parseInput("\x03")).toEqual([{ kind: "ctrl", letter: "c" }]);
    expect(parseInput("\x04")).toEqual([{ kind: "ctrl", letter: "d" }]);
    expect(parseInput("a\x7f")).toEqual([{ kind: "text", text: "a" }, { kind: "backspace" }]);
  });

  it("keeps an unbracketed multi-line paste as text, with a trailing Enter still submitting", () => {
    expect(parseInput("one\rtwo\r")).toEqual([{ kind: "text", text: "one\ntwo" }, { kind: "enter" }]);
    expect(parseInput("one\ntwo")).toEqual([{ kind: "text", text: "one\ntwo" }]);
  });

  it("reads everything between bracketed-paste markers as text", () => {
    expect(parseInput("\x1b[200~")).toEqual([{ kind: "pasteStart" }]);
    expect(parseInput("a\rb\x03", true)).toEqual([{ kind: "text", text: "a\nb\x03" }]);
    expect(parseInput("\x1b[201~")).toEqual([{ kind: "pasteEnd" }]);
  });

  it("knows arrows, escape and unknown sequences", () => {
    expect(parseInput("\x1b[A")).toEqual([{ kind: "up" }]);
    expect(parseInput("\x1bOB")).toEqual([{ kind: "down" }]);
    expect(parseInput("\x1b")).toEqual([{ kind: "escape" }]);
    expect(parseInput("\x1b[99~")).toEqual([{ kind: "unknown", sequence: "\x1b[99~" }]);
  });
});
