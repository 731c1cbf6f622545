/**
 * Terminal input → key events. Ink's input parser hands us one escape sequence, or one run of
 * text between escape sequences, per event; this turns such an event into keys. Pure.
 */

export type Key =
  /** Typed text, or (with `pasted`) a whole bracketed paste, delivered once it ended. */
  | { kind: "text"; text: string; pasted?: boolean }
  | { kind: "enter" }
  /** Shift+Enter (kitty / modifyOtherKeys), Alt+Enter, Ctrl-J. */
  | { kind: "newline" }
  | { kind: "backspace" }
  | { kind: "wordBackspace" }
  | { kind: "delete" }
  | { kind: "up" }
  | { kind: "down" }
  | { kind: "left" }
  | { kind: "right" }
  | { kind: "home" }
  | { kind: "end" }
  | { kind: "pageUp" }
  | { kind: "pageDown" }
  | { kind: "tab" }
  | { kind: "backTab" }
  | { kind: "escape" }
  | { kind: "ctrl"; letter: string }
  | { kind: "pasteStart" }
  | { kind: "pasteEnd" }
  | { kind: "unknown"; sequence: string };

const SEQUENCES: Record<string, Key> = {
  "\x1b[A": { kind: "up" },
  "\x1bOA": { kind: "up" },
  "\x1b[B": { kind: "down" },
  "\x1bOB": { kind: "down" },
  "\x1b[C": { kind: "right" },
  "\x1bOC": { kind: "right" },
  "\x1b[D": { kind: "left" },
  "\x1bOD": { kind: "left" },
  "\x1b[H": { kind: "home" },
  "\x1bOH": { kind: "home" },
  "\x1b[1~": { kind: "home" },
  "\x1b[7~": { kind: "home" },
  "\x1b[F": { kind: "end" },
  "\x1bOF": { kind: "end" },
  "\x1b[4~": { kind: "end" },
  "\x1b[8~": { kind: "end" },
  "\x1b[3~": { kind: "delete" },
  "\x1b[5~": { kind: "pageUp" },
  "\x1b[6~": { kind: "pageDown" },
  "\x1b[Z": { kind: "backTab" },
  "\x1b": { kind: "escape" },
  "\x1b\x1b": { kind: "escape" },
  "\x1b\r": { kind: "newline" },
  "\x1b\n": { kind: "newline" },
  "\x1b[13;2u": { kind: "newline" },
  "\x1b[13;5u": { kind: "newline" },
  "\x1b[27;2;13~": { kind: "newline" },
  "\x1b[27;5;13~": { kind: "newline" },
  "\x1b\x7f": { kind: "wordBackspace" },
  "\x1b\b": { kind: "wordBackspace" },
  "\x1b[200~": { kind: "pasteStart" },
  "\x1b[201~": { kind: "pasteEnd" },
};

function control(char: string): Key {
  switch (char) {
    case "\r":
      return { kind: "enter" };
    case "\n":
      return { kind: "newline" };
    case "\t":
      return { kind: "tab" };
    case "\x7f":
    case "\b":
      return { kind: "backspace" };
    default:
      return { kind: "ctrl", letter: String.fromCharCode(char.charCodeAt(0) + 96) };
  }
}

/**
 * Keys for one input event. `pasting` is true between bracketed-paste markers: then everything
 * is text (line breaks included).
 */
export function parseInput(raw: string, pasting = false): Key[] {
  if (raw.startsWith("\x1b")) {
    const known = SEQUENCES[raw];
    if (known) return [known];
    // Alt+<char> arrives as ESC + char: treat as the char.
    if (raw.length === 2 && raw[1]! >= " ") return [{ kind: "text", text: raw.slice(1) }];
    return [{ kind: "unknown", sequence: raw }];
  }
  if (pasting) return [{ kind: "text", text: raw.replace(/\r\n?/g, "\n") }];
  // A run with a line break before its end is a paste without bracketed-paste support: keep it
  // as text (a trailing Enter still submits, which is what typing "hi⏎" quickly looks like).
  const body = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
  if (body.length > 1 && /[\r\n]/.test(body)) {
    const keys: Key[] = [{ kind: "text", text: body.replace(/\r\n?/g, "\n") }];
    if (body !== raw) keys.push({ kind: "enter" });
    return keys;
  }
  const keys: Key[] = [];
  let text = "";
  for (const char of raw) {
    if (char < " " || char === "\x7f") {
      if (text) keys.push({ kind: "text", text });
      text = "";
      keys.push(control(char));
    } else {
      text += char;
    }
  }
  if (text) keys.push({ kind: "text", text });
  return keys;
}
