/**
 * The composer's text buffer: multi-line editing with a cursor, and prompt recall. Pure.
 *
 * Recall walks `history` (oldest first) from the newest entry; the text being typed is kept as
 * the draft and comes back when walking past the newest entry. Images and large pastes are
 * attachments shown as placeholders in the text (attachments.ts).
 */
import {
  type Attachment,
  imagePlaceholder,
  LARGE_PASTE_CHARS,
  nextImageNumber,
  pastePlaceholder,
  placeholderEndingAt,
  reconcile,
} from "./attachments.js";

export interface ComposerState {
  text: string;
  /** Cursor position, an index into `text` (UTF-16 units). */
  cursor: number;
  /** Index into the recall list while browsing, else null. */
  recall: number | null;
  /** What was typed before browsing started. */
  draft: string;
  /** Images and collapsed pastes whose placeholders are in `text`. */
  attachments: Attachment[];
}

export const emptyComposer: ComposerState = { text: "", cursor: 0, recall: null, draft: "", attachments: [] };

export type ComposerAction =
  | { type: "insert"; text: string }
  | { type: "backspace" }
  | { type: "delete" }
  | { type: "left" }
  | { type: "right" }
  | { type: "home" }
  | { type: "end" }
  | { type: "wordBackspace" }
  | { type: "killLine" }
  | { type: "up"; history: readonly string[] }
  | { type: "down"; history: readonly string[] }
  | { type: "set"; text: string; attachments?: Attachment[] }
  /** Replaces `text[start, end)` (a completed mention); the cursor goes to `cursor` or after it. */
  | { type: "splice"; start: number; end: number; text: string; cursor?: number }
  /** An image file: its `[Image #N]` placeholder at the cursor. */
  | { type: "attachImage"; path: string }
  /** A paste: collapsed into a placeholder when large, else inserted as text. */
  | { type: "paste"; text: string }
  | { type: "clear" };

export function composerReduce(state: ComposerState, action: ComposerAction): ComposerState {
  const { text, cursor } = state;
  switch (action.type) {
    case "insert": {
      const clean = action.text.replace(/\r\n?/g, "\n");
      return edit(state, text.slice(0, cursor) + clean + text.slice(cursor), cursor + clean.length);
    }
    case "backspace": {
      if (cursor === 0) return state;
      // A placeholder goes as a whole.
      const whole = placeholderEndingAt(text, cursor, state.attachments)?.placeholder.length ?? 1;
      return edit(state, text.slice(0, cursor - whole) + text.slice(cursor), cursor - whole);
    }
    case "splice": {
      const next = text.slice(0, action.start) + action.text + text.slice(action.end);
      return edit(state, next, action.cursor ?? action.start + action.text.length);
    }
    case "attachImage": {
      const placeholder = imagePlaceholder(nextImageNumber(state.attachments));
      const withImage = {
        ...state,
        attachments: [...state.attachments, { kind: "image" as const, placeholder, path: action.path }],
      };
      return edit(
        withImage,
        text.slice(0, cursor) + placeholder + text.slice(cursor),
        cursor + placeholder.length,
      );
    }
    case "paste": {
      const clean = action.text.replace(/\r\n?/g, "\n");
      if (clean.length <= LARGE_PASTE_CHARS) return composerReduce(state, { type: "insert", text: clean });
      const placeholder = pastePlaceholder(clean, state.attachments);
      const withPaste = {
        ...state,
        attachments: [...state.attachments, { kind: "paste" as const, placeholder, text: clean }],
      };
      return edit(
        withPaste,
        text.slice(0, cursor) + placeholder + text.slice(cursor),
        cursor + placeholder.length,
      );
    }
    case "delete":
      return cursor >= text.length
        ? state
        : edit(state, text.slice(0, cursor) + text.slice(cursor + 1), cursor);
    case "wordBackspace": {
      const before = text.slice(0, cursor).replace(/\S+\s*$|\s+$/, "");
      return edit(state, before + text.slice(cursor), before.length);
    }
    case "killLine": {
      const end = lineEnd(text, cursor);
      return edit(
        state,
        text.slice(0, cursor) + text.slice(end === cursor && end < text.length ? end + 1 : end),
        cursor,
      );
    }
    case "left":
      return { ...state, cursor: Math.max(0, cursor - 1) };
    case "right":
      return { ...state, cursor: Math.min(text.length, cursor + 1) };
    case "home":
      return { ...state, cursor: lineStart(text, cursor) };
    case "end":
      return { ...state, cursor: lineEnd(text, cursor) };
    case "up": {
      const start = lineStart(text, cursor);
      if (start > 0) {
        // Move to the same column on the previous line.
        const prevStart = lineStart(text, start - 1);
        return { ...state, cursor: Math.min(prevStart + (cursor - start), start - 1) };
      }
      return recallOlder(state, action.history);
    }
    case "down": {
      const end = lineEnd(text, cursor);
      if (end < text.length) {
        const col = cursor - lineStart(text, cursor);
        const nextStart = end + 1;
        return { ...state, cursor: Math.min(nextStart + col, lineEnd(text, nextStart)) };
      }
      return recallNewer(state, action.history);
    }
    case "set":
      return {
        ...emptyComposer,
        ...reconcile({
          text: action.text,
          cursor: action.text.length,
          attachments: action.attachments ?? [],
        }),
      };
    case "clear":
      return emptyComposer;
  }
}

function edit(state: ComposerState, text: string, cursor: number): ComposerState {
  return { ...state, ...reconcile({ text, cursor, attachments: state.attachments }), recall: null };
}

function recallOlder(state: ComposerState, history: readonly string[]): ComposerState {
  if (history.length === 0) return state;
  // Recall only starts from an empty composer or continues a recall (as Codex does).
  if (state.recall === null && state.text !== "") return state;
  const index = state.recall === null ? history.length - 1 : state.recall - 1;
  if (index < 0) return state;
  const text = history[index] ?? "";
  return {
    text,
    cursor: text.length,
    recall: index,
    draft: state.recall === null ? state.text : state.draft,
    attachments: [],
  };
}

function recallNewer(state: ComposerState, history: readonly string[]): ComposerState {
  if (state.recall === null) return state;
  const index = state.recall + 1;
  if (index >= history.length)
    return { text: state.draft, cursor: state.draft.length, recall: null, draft: "", attachments: [] };
  const text = history[index] ?? "";
  return { ...state, text, cursor: text.length, recall: index };
}

export function lineStart(text: string, cursor: number): number {
  return text.lastIndexOf("\n", cursor - 1) + 1;
}

export function lineEnd(text: string, cursor: number): number {
  const at = text.indexOf("\n", cursor);
  return at === -1 ? text.length : at;
}
