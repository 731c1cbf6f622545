import type { v2 } from "@codex-ts/protocol";
import { render } from "ink-testing-library";
import { describe, expect, it, vi } from "vitest";
import type { EarlierMessage } from "../backtrack.js";
import { BacktrackOverlay } from "./BacktrackOverlay.js";
import { ResumePicker } from "./ResumePicker.js";
import { TrustPrompt } from "./TrustPrompt.js";

// Keys written at once (a fast typist, a pty test without pauses) reach a handler before React
// renders the previous key's change: each must still see it.
const thread = (id: string, preview: string) =>
  ({ id, preview, name: null, updatedAt: 0 }) as unknown as v2.Thread;

describe("overlays read keys that arrive together", () => {
  it("the resume picker filters by text typed with its Enter in one write", () => {
    const onPick = vi.fn();
    const ui = render(
      <ResumePicker
        threads={[thread("t-pears", "tell me about pears"), thread("t-apples", "tell me about apples")]}
        onPick={onPick}
        onCancel={() => {}}
      />,
    );
    ui.stdin.write("apples\r");
    expect(onPick).toHaveBeenCalledTimes(1);
    expect(onPick.mock.calls[0]![0].id).toBe("t-apples");
    ui.unmount();
  });

  it("Down then Enter in one write chooses the second option (trust prompt, backtrack)", () => {
    const onChoice = vi.fn();
    const trust = render(<TrustPrompt cwd="/w" onChoice={onChoice} />);
    trust.stdin.write("\x1b[B\r");
    expect(onChoice).toHaveBeenCalledWith(false);
    trust.unmount();
    // Answered: a Ctrl-C that follows at once does not answer again (it would quit).
    const once = vi.fn();
    const again = render(<TrustPrompt cwd="/w" onChoice={once} />);
    again.stdin.write("1\x03");
    expect(once.mock.calls).toEqual([[true]]);
    again.unmount();
    const messages = ["one", "two", "three"].map((text, i) => ({ text, turnId: `t${i}`, images: [] }));
    const onPick = vi.fn();
    const back = render(
      <BacktrackOverlay
        messages={messages as unknown as EarlierMessage[]}
        onPick={onPick}
        onCancel={() => {}}
      />,
    );
    back.stdin.write("\x1b[A\x1b[A\r");
    expect(onPick.mock.calls[0]![0].text).toBe("one");
    back.unmount();
  });
});
