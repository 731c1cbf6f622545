import { describe, expect, it } from "vitest";
import { composerInput } from "./attachments.js";
import { type ComposerAction, type ComposerState, composerReduce, emptyComposer } from "./composer.js";

const run = (actions: ComposerAction[], from: ComposerState = emptyComposer) =>
  actions.reduce(composerReduce, from);

describe("composer attachments", () => {
  it("numbers images in text order and renumbers when one is removed", () => {
    let s = run([
      { type: "insert", text: "see " },
      { type: "attachImage", path: "/a.png" },
      { type: "insert", text: " and " },
      { type: "attachImage", path: "/b.png" },
    ]);
    expect(s.text).toBe("see [Image #1] and [Image #2]");
    // Backspace after the first placeholder removes it whole; the second becomes #1.
    s = run([{ type: "home" }, ...Array(4 + 10).fill({ type: "right" }), { type: "backspace" }], s);
    expect(s.text).toBe("see  and [Image #1]");
    expect(s.attachments).toEqual([{ kind: "image", placeholder: "[Image #1]", path: "/b.png" }]);
    // An image inserted before an existing one takes #1; the other becomes #2.
    s = run([{ type: "home" }, { type: "attachImage", path: "/c.png" }], s);
    expect(s.text).toBe("[Image #1]see  and [Image #2]");
    expect(s.cursor).toBe("[Image #1]".length);
    expect(s.attachments.map((a) => [a.placeholder, a.kind === "image" ? a.path : ""])).toEqual([
      ["[Image #2]", "/b.png"],
      ["[Image #1]", "/c.png"],
    ]);
  });

  it("collapses a large paste into a placeholder and expands it in the turn input", () => {
    const big = "x".repeat(1500);
    const s = run([
      { type: "insert", text: "look: " },
      { type: "paste", text: big },
      { type: "paste", text: "small" },
      { type: "paste", text: big },
    ]);
    expect(s.text).toBe("look: [Pasted Content 1500 chars]small[Pasted Content 1500 chars #2]");
    const [text] = composerInput(s.text, s.attachments);
    expect(text).toEqual({ type: "text", text: `look: ${big}small${big}`, text_elements: [] });
  });

  it("marks image placeholders as text elements (UTF-8 byte ranges) followed by the images", () => {
    const s = run([
      { type: "insert", text: "é " },
      { type: "attachImage", path: "/p/one.png" },
    ]);
    expect(composerInput(s.text, s.attachments)).toEqual([
      {
        type: "text",
        text: "é [Image #1]",
        text_elements: [{ byteRange: { start: 3, end: 13 }, placeholder: "[Image #1]" }],
      },
      { type: "localImage", path: "/p/one.png", detail: null },
    ]);
  });

  it("a placeholder edited by hand stops being an attachment", () => {
    const s = run([{ type: "attachImage", path: "/a.png" }, { type: "left" }, { type: "backspace" }]);
    expect(s.text).toBe("[Image #]");
    expect(s.attachments).toEqual([]);
  });
});
