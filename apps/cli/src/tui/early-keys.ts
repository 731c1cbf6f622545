/**
 * Keys typed at the first frame (first-frame.ts), before Ink and React have loaded: plain
 * printable text is drawn in the painted composer at once, and every byte is handed to Ink when
 * it starts (pushed back onto stdin), so Ink's composer receives exactly what was typed and
 * redraws it. Anything else (Enter, Ctrl-C, arrows, a paste) stops the early drawing; those bytes
 * wait for Ink as well. Nothing typed is lost or acted on twice.
 */
import type { Readable } from "node:stream";
import { FIRST_FRAME_COMPOSER_ROW, firstFrameComposer } from "./first-frame.js";

export interface EarlyKeys {
  /** Stops reading and puts what was read back in front of stdin for Ink. Idempotent. */
  handOff(): void;
}

export interface EarlyKeysTerminal {
  stdin: Pick<Readable, "on" | "off" | "read" | "unshift">;
  stdout: { columns?: number; write(data: string): unknown };
}

const NONE: EarlyKeys = { handOff() {} };

/** Printable ASCII only: one byte, one column. */
const PLAIN = /^[\x20-\x7e]*$/;

/** Starts reading keys under a first frame of `rows` rows (0: nothing was painted, nothing to do). */
export function echoEarlyKeys(terminal: EarlyKeysTerminal, rows: number): EarlyKeys {
  if (rows <= FIRST_FRAME_COMPOSER_ROW) return NONE;
  const { stdin, stdout } = terminal;
  const chunks: Buffer[] = [];
  let typed = "";
  let drawing = true;
  // The cursor waits below the frame; the composer is `up` rows above it.
  const up = rows - FIRST_FRAME_COMPOSER_ROW;
  const room = (stdout.columns ?? 0) - 4;
  const onChunk = (data: Buffer | string) => {
    const chunk = typeof data === "string" ? Buffer.from(data) : data;
    chunks.push(chunk);
    if (!drawing) return;
    const text = chunk.toString("latin1");
    if (!PLAIN.test(text) || typed.length + text.length > room) {
      drawing = false;
      return;
    }
    typed += text;
    stdout.write(`\x1b[${up}A\r\x1b[2K${firstFrameComposer(typed)}\r\x1b[${up}B`);
  };
  // Read as Ink does ('readable' + read()): once the listener is gone, the stream is back in the
  // state Ink found it in before (not flowing, not paused), with the keys pushed back in front.
  const onReadable = () => {
    for (let chunk = stdin.read(); chunk !== null; chunk = stdin.read()) onChunk(chunk);
  };
  stdin.on("readable", onReadable);
  let handed = false;
  return {
    handOff() {
      if (handed) return;
      handed = true;
      stdin.off("readable", onReadable);
      if (chunks.length > 0) stdin.unshift(Buffer.concat(chunks));
    },
  };
}
