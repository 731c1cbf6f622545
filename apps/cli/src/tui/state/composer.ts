/**
 * The composer's text buffer: multi-line editing with a cursor, and prompt recall. Pure.
 *
 * Recall walks `history` (oldest first) from the newest entry; the text being typed is kept as
 * the draft and comes back when walking past the newest entry.
 */

export interface ComposerState {
  text: string;
  /** Cursor position, an index into `text` (UTF-16 units). */
  cursor: number;
  /** Index into the recall list while browsing, else null. */
  recall: number | null;
  /** What was typed before browsing started. */
  draft: string;
}

export const emptyComposer: ComposerState = { text: "", cursor: 0, recall: null, draft: "" };

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
  | { type: "set"; text: string }
  | { type: "clear" };

export function composerReduce(state: ComposerState, action: ComposerAction): ComposerState {
  const { text, cursor } = state;
  switch (action.type) {
    case "insert": {
      const clean = action.text.replace(/\r\n?/g, "\n");
      return edit(state, text.slice(0, cursor) + clean + text.slice(cursor), cursor + clean.length);
    }
    case "backspace":
      return cursor === 0 ? state : edit(state, text.slice(0, cursor - 1) + text.slice(cursor), cursor - 1);
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
      return { text: action.text, cursor: action.text.length, recall: null, draft: "" };
    case "clear":
      return emptyComposer;
  }
}

function edit(state: ComposerState, text: string, cursor: number): ComposerState {
  return { ...state, text, cursor, recall: null };
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
  };
}

function recallNewer(state: ComposerState, history: readonly string[]): ComposerState {
  if (state.recall === null) return state;
  const index = state.recall + 1;
  if (index >= history.length)
    return { text: state.draft, cursor: state.draft.length, recall: null, draft: "" };
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
