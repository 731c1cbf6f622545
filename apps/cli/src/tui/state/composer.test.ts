import { describe, expect, it } from "vitest";
import { type ComposerAction, type ComposerState, composerReduce, emptyComposer } from "./composer.js";

const run = (actions: ComposerAction[], from: ComposerState = emptyComposer) =>
  actions.reduce(composerReduce, from);

describe("composerReduce", () => {
  it("inserts, moves and deletes around the cursor", () => {
    const s = run([
      { type: "insert", text: "helo" },
      { type: "left" },
      { type: "insert", text: "l" },
      { type: "end" },
      { type: "backspace" },
    ]);
    expect(s).toMatchObject({ text: "hell", cursor: 4 });
    expect(run([{ type: "home" }, { type: "delete" }], s)).toMatchObject({ text: "ell", cursor: 0 });
  });

  it("edits multi-line text: newline, up/down keep the column", () => {
    let s = run([
      { type: "insert", text: "first line" },
      { type: "insert", text: "\n" },
      { type: "insert", text: "two" },
    ]);
    expect(s.text).toBe("first line\ntwo");
    s = run([{ type: "up", history: ["old"] }], s);
    expect(s.cursor).toBe(3);
    s = run([{ type: "end" }, { type: "down", history: ["old"] }], s);
    expect(s.cursor).toBe("first line\ntwo".length);
    expect(s.text).toBe("first line\ntwo");
  });

  it("normalizes pasted CRLF and deletes words", () => {
    const s = run([{ type: "insert", text: "a\r\nb c  " }, { type: "wordBackspace" }]);
    expect(s.text).toBe("a\nb ");
  });

  it("recalls history from an empty composer, newest first, and restores the draft", () => {
    const history = ["one", "two"];
    let s = run([{ type: "up", history }]);
    expect(s.text).toBe("two");
    s = run([{ type: "up", history }], s);
    expect(s.text).toBe("one");
    s = run([{ type: "up", history }], s);
    expect(s.text).toBe("one");
    s = run(
      [
        { type: "down", history },
        { type: "down", history },
      ],
      s,
    );
    expect(s).toMatchObject({ text: "", recall: null });
  });

  it("does not recall over typed text", () => {
    const s = run([
      { type: "insert", text: "draft" },
      { type: "up", history: ["x"] },
    ]);
    expect(s.text).toBe("draft");
  });

  it("kills to the end of the line, and joins lines at a line end", () => {
    const s = run([{ type: "insert", text: "ab\ncd" }, { type: "home" }, { type: "killLine" }]);
    expect(s.text).toBe("ab\n");
    const joined = run([
      { type: "set", text: "ab\ncd" },
      { type: "up", history: [] },
      { type: "end" },
      { type: "killLine" },
    ]);
    expect(joined.text).toBe("abcd");
  });
});
