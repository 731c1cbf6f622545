import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { parseRolloutLine, type RolloutLine, type SessionMeta } from "@codex-ts/protocol";
import { err, ioError, ok, type RolloutResult } from "./result.js";

/** One non-empty line of a rollout file that is well-formed JSON. */
export interface RolloutEntry {
  /** 1-based line number in the file. */
  lineNumber: number;
  /** The line's exact text (no newline); what fork copies. */
  text: string;
  /** The parsed line, or `null` when this version does not know its type (it is still copied). */
  line: RolloutLine | null;
}

export interface SkippedLine {
  lineNumber: number;
  /** The line's `type` (`event_msg:<event>` for unknown events) when it had one. */
  type: string | null;
  reason: string;
}

export interface RolloutContents {
  /** Payload of the first `session_meta` line, `null` if the file has none. */
  meta: SessionMeta | null;
  /** Every parsed (known) line, in file order. */
  lines: RolloutLine[];
  /** Every well-formed JSON line (known or not), in file order. */
  entries: RolloutEntry[];
  /** Lines that were skipped: unknown types, invalid payloads, garbage in the middle. */
  skipped: SkippedLine[];
  /** True when the last line was cut off (a crash mid-write) and was ignored. */
  truncatedTail: boolean;
  /** Byte length of the well-formed prefix (everything but a truncated tail). */
  validByteLength: number;
}

/**
 * Parses a whole rollout text. Tolerant: unknown line/event types and garbled lines are listed
 * in `skipped`; a last line without its newline that does not parse is treated as a truncated
 * tail and ignored. Never throws.
 */
export function parseRolloutText(text: string): RolloutContents {
  const contents: RolloutContents = {
    meta: null,
    lines: [],
    entries: [],
    skipped: [],
    truncatedTail: false,
    validByteLength: Buffer.byteLength(text, "utf8"),
  };
  const rawLines = text.split("\n");
  const endsWithNewline = text.endsWith("\n");
  rawLines.forEach((raw, index) => {
    const isLast = index === rawLines.length - 1;
    const lineText = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (lineText.trim() === "") return;
    const lineNumber = index + 1;
    const parsed = parseRolloutLine(lineText);
    if (parsed.kind === "invalid" && isLast && !endsWithNewline) {
      let json = true;
      try {
        JSON.parse(lineText);
      } catch {
        json = false;
      }
      if (!json) {
        contents.truncatedTail = true;
        contents.validByteLength -= Buffer.byteLength(raw, "utf8");
        return;
      }
    }
    switch (parsed.kind) {
      case "line":
        contents.lines.push(parsed.line);
        contents.entries.push({ lineNumber, text: lineText, line: parsed.line });
        if (contents.meta === null && parsed.line.type === "session_meta") contents.meta = parsed.line.payload;
        break;
      case "skipped":
        contents.entries.push({ lineNumber, text: lineText, line: null });
        contents.skipped.push({ lineNumber, type: parsed.type, reason: parsed.reason });
        break;
      case "invalid":
        contents.skipped.push({ lineNumber, type: lineType(lineText), reason: parsed.reason });
        break;
    }
  });
  return contents;
}

function lineType(text: string): string | null {
  try {
    const value = JSON.parse(text) as { type?: unknown } | null;
    return typeof value?.type === "string" ? value.type : null;
  } catch {
    return null;
  }
}

/** Reads and parses a rollout file (see {@link parseRolloutText}). */
export async function readRollout(path: string): Promise<RolloutResult<RolloutContents>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    return ioError("reading rollout", path, cause);
  }
  return ok(parseRolloutText(text));
}

/**
 * Cheap listing read: parses only the first line, which must be `session_meta`. Streams, so a
 * long rollout is not read whole.
 */
export async function readSessionMeta(path: string): Promise<RolloutResult<SessionMeta>> {
  let first: string;
  try {
    first = await readFirstLine(path);
  } catch (cause) {
    return ioError("reading rollout", path, cause);
  }
  if (first.trim() === "") return err("invalid", `${path}: empty rollout (no session_meta line)`);
  const parsed = parseRolloutLine(first);
  if (parsed.kind !== "line") {
    return err("invalid", `${path}: first line is not a valid session_meta (${parsed.reason})`);
  }
  if (parsed.line.type !== "session_meta") {
    return err("invalid", `${path}: first line is \`${parsed.line.type}\`, expected session_meta`);
  }
  return ok(parsed.line.payload);
}

function readFirstLine(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stream = createReadStream(path, { encoding: "utf8", highWaterMark: 64 * 1024 });
    let buffer = "";
    let done = false;
    const finish = (error: unknown, line?: string) => {
      if (done) return;
      done = true;
      stream.destroy();
      if (error !== undefined) reject(error);
      else resolve(line ?? "");
    };
    stream.on("data", (chunk) => {
      buffer += chunk;
      const newline = buffer.indexOf("\n");
      if (newline >= 0) finish(undefined, buffer.slice(0, newline));
    });
    stream.on("end", () => finish(undefined, buffer));
    stream.on("error", (error) => finish(error));
  });
}
