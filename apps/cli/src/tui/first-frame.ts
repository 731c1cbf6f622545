/**
 * The first frame, painted with plain escape codes before Ink and React load (they are most of a
 * start's cost): the composer's placeholder and the status line, exactly the bytes Ink's own first
 * frame writes. The terminal is put in raw mode at once, so keys typed meanwhile are not echoed by
 * the terminal nor lost: early-keys.ts draws plain text in this composer and hands every key to
 * Ink. When Ink draws, its first write starts by erasing this frame (`eraseFirstFrame`), so the
 * same frame is redrawn in place.
 */

const SYNC_START = "\x1b[?2026h";
const BOLD = (s: string) => `\x1b[1m${s}\x1b[22m`;
const DIM = (s: string) => `\x1b[2m${s}\x1b[22m`;
const INVERSE = (s: string) => `\x1b[7m${s}\x1b[27m`;

/** What `MainScreen` shows before anything has loaded: a blank line, the composer, the status. */
export const FIRST_FRAME_LINES = [
  "",
  `${BOLD("> ")}${INVERSE("A")}${DIM("sk Codex to do anything")}`,
  DIM("  starting..."),
];
/** The composer's row in `FIRST_FRAME_LINES`. */
export const FIRST_FRAME_COMPOSER_ROW = 1;

/** The first frame's composer holding `typed` (keys typed before Ink loads, early-keys.ts). */
export function firstFrameComposer(typed: string): string {
  return `${BOLD("> ")}${typed}${INVERSE(" ")}`;
}
/** The narrowest terminal whose first frame takes exactly one row per line. */
const MIN_COLUMNS = 40;

export interface FirstFrameTerminal {
  stdin: { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdout: { columns?: number; rows?: number; write(data: string): unknown };
}

/**
 * Paints the first frame when the terminal is large enough; returns how many rows it took (0 when
 * nothing was painted).
 */
export function paintFirstFrame(terminal: FirstFrameTerminal): number {
  const { columns = 0, rows = 0 } = terminal.stdout;
  if (columns < MIN_COLUMNS || rows < FIRST_FRAME_LINES.length + 1) return 0;
  try {
    terminal.stdin.setRawMode?.(true);
  } catch {
    return 0;
  }
  // Hide the cursor (as Ink does), then the lines, the cursor left below them as Ink leaves it.
  terminal.stdout.write(`\x1b[?25l${FIRST_FRAME_LINES.map((line) => `${line}\n`).join("")}`);
  return FIRST_FRAME_LINES.length;
}

/**
 * Makes the next `write` on `stdout` begin by erasing the `rows` rows painted by
 * `paintFirstFrame` and the row the cursor is on, leaving the cursor where the frame began.
 */
export function eraseFirstFrame(stdout: { write: (...args: never[]) => unknown }, rows: number): void {
  if (rows <= 0) return;
  const target = stdout as unknown as { write: (chunk: unknown, ...rest: unknown[]) => boolean };
  const original = target.write;
  target.write = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    target.write = original;
    // Line by line (as Ink erases its own frames): clearing to the end of the screen from its
    // top makes some terminals (tmux) push the screen into the scrollback.
    const erase = `${"\x1b[2K\x1b[1A".repeat(rows)}\x1b[2K\x1b[G`;
    // Inside Ink's synchronized update when it starts one, so the terminal shows no blank frame.
    const data =
      typeof chunk !== "string"
        ? chunk
        : chunk.startsWith(SYNC_START)
          ? SYNC_START + erase + chunk.slice(SYNC_START.length)
          : erase + chunk;
    if (typeof chunk !== "string") original.call(target, erase);
    return original.call(target, data, ...rest);
  };
}
