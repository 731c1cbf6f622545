/**
 * What a key does on the main screen (no overlay open): a pure mapping from the key and a little
 * context to an effect the app then performs. Tested without rendering.
 */
import type { ComposerAction } from "../state/composer.js";
import type { Key } from "./keys.js";

export type Effect =
  | { type: "composer"; action: ComposerAction }
  | { type: "submit"; text: string }
  /** A bracketed paste: an image path becomes a chip, a large paste a placeholder. */
  | { type: "paste"; text: string }
  /** Ctrl-V: the clipboard's image becomes an `[Image #N]` chip (as Codex). */
  | { type: "pasteImage" }
  /** Take the popup's selected entry: run it (Enter on a command) or put it in the composer. */
  | { type: "complete"; run: boolean }
  | { type: "popupMove"; delta: number }
  | { type: "dismissPopup" }
  | { type: "interrupt" }
  | { type: "armQuit" }
  | { type: "quit" }
  /** Shift+Tab: the next collaboration mode (Default ⇄ Plan). */
  | { type: "cycleMode" }
  /** Esc on an idle, empty composer: the next Esc edits a previous message. */
  | { type: "armBacktrack" }
  | { type: "backtrack" }
  | { type: "none" };

export interface KeyContext {
  text: string;
  turnRunning: boolean;
  quitArmed: boolean;
  history: readonly string[];
  /** The popup under the composer, when it has a selectable entry: `/` commands or mentions. */
  popup: "slash" | "mention" | null;
  /** Esc was pressed once on an idle, empty composer. */
  backtrackArmed?: boolean;
}

export function mainKeyEffect(key: Key, ctx: KeyContext): Effect {
  const composer = (action: ComposerAction): Effect => ({ type: "composer", action });
  switch (key.kind) {
    case "text":
      return key.pasted ? { type: "paste", text: key.text } : composer({ type: "insert", text: key.text });
    case "newline":
      return composer({ type: "insert", text: "\n" });
    case "enter":
      if (ctx.popup) return { type: "complete", run: ctx.popup === "slash" };
      return ctx.text.trim() === "" ? { type: "none" } : { type: "submit", text: ctx.text };
    case "tab":
      return ctx.popup ? { type: "complete", run: false } : { type: "none" };
    case "backTab":
      return { type: "cycleMode" };
    case "backspace":
      return composer({ type: "backspace" });
    case "wordBackspace":
      return composer({ type: "wordBackspace" });
    case "delete":
      return composer({ type: "delete" });
    case "left":
      return composer({ type: "left" });
    case "right":
      return composer({ type: "right" });
    case "home":
      return composer({ type: "home" });
    case "end":
      return composer({ type: "end" });
    case "up":
      return ctx.popup ? { type: "popupMove", delta: -1 } : composer({ type: "up", history: ctx.history });
    case "down":
      return ctx.popup ? { type: "popupMove", delta: 1 } : composer({ type: "down", history: ctx.history });
    case "escape":
      if (ctx.turnRunning) return { type: "interrupt" };
      if (ctx.popup) return { type: "dismissPopup" };
      if (ctx.text !== "") return { type: "none" };
      return ctx.backtrackArmed ? { type: "backtrack" } : { type: "armBacktrack" };
    case "ctrl":
      return ctrlEffect(key.letter, ctx);
    default:
      return { type: "none" };
  }
}

function ctrlEffect(letter: string, ctx: KeyContext): Effect {
  switch (letter) {
    case "c":
      if (ctx.turnRunning) return { type: "interrupt" };
      if (ctx.text !== "") return { type: "composer", action: { type: "clear" } };
      return ctx.quitArmed ? { type: "quit" } : { type: "armQuit" };
    case "d":
      return ctx.text === "" ? { type: "quit" } : { type: "composer", action: { type: "delete" } };
    case "a":
      return { type: "composer", action: { type: "home" } };
    case "e":
      return { type: "composer", action: { type: "end" } };
    case "b":
      return { type: "composer", action: { type: "left" } };
    case "f":
      return { type: "composer", action: { type: "right" } };
    case "k":
      return { type: "composer", action: { type: "killLine" } };
    case "w":
      return { type: "composer", action: { type: "wordBackspace" } };
    case "u":
      return { type: "composer", action: { type: "clear" } };
    case "v":
      return { type: "pasteImage" };
    case "p":
      return { type: "composer", action: { type: "up", history: ctx.history } };
    case "n":
      return { type: "composer", action: { type: "down", history: ctx.history } };
    default:
      return { type: "none" };
  }
}
