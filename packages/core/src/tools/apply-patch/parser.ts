/**
 * Parser for the Codex patch format:
 *
 *   *** Begin Patch
 *   *** Add File: path        (followed by "+" lines)
 *   *** Delete File: path
 *   *** Update File: path     (optionally "*** Move to: path", then "@@"-introduced chunks of
 *                              " " context / "-" removed / "+" added lines, optionally ending
 *                              with "*** End of File")
 *   *** End Patch
 *
 * Like Codex, the parser tolerates whitespace around the marker lines, a heredoc wrapper
 * (`<<'EOF'` … `EOF`), blank lines between chunks, and a first chunk without an `@@` line.
 * It only parses; whether the patch applies to the files is decided in ./apply.ts.
 */

export interface UpdateChunk {
  /** The `@@ <context>` line used to narrow the search (e.g. a function signature). */
  context?: string;
  oldLines: string[];
  newLines: string[];
  /** `*** End of File`: the old lines must sit at the end of the file. */
  endOfFile: boolean;
}

export type Hunk =
  | { type: "add"; path: string; contents: string }
  | { type: "delete"; path: string }
  | { type: "update"; path: string; movePath?: string; chunks: UpdateChunk[] };

export type ParseResult = { ok: true; hunks: Hunk[]; patch: string } | { ok: false; error: string };

const BEGIN = "*** Begin Patch";
const END = "*** End Patch";
const ADD = "*** Add File: ";
const DELETE = "*** Delete File: ";
const UPDATE = "*** Update File: ";
const MOVE = "*** Move to: ";
const EOF_MARK = "*** End of File";

class PatchSyntaxError extends Error {}

function hunkError(line: number, message: string): PatchSyntaxError {
  return new PatchSyntaxError(`invalid hunk at line ${line}, ${message}`);
}

/** Strip the boundary markers; accept a heredoc wrapper around them. */
function bodyLines(lines: string[]): string[] {
  const check = (ls: string[]): string[] | string => {
    const first = ls[0]?.trim();
    const last = ls[ls.length - 1]?.trim();
    if (first !== BEGIN) return "invalid patch: The first line of the patch must be '*** Begin Patch'";
    if (ls.length < 2 || last !== END) {
      return "invalid patch: The last line of the patch must be '*** End Patch'";
    }
    return ls.slice(1, -1);
  };
  const direct = check(lines);
  if (typeof direct !== "string") return direct;
  const first = lines[0];
  const last = lines[lines.length - 1];
  if (
    lines.length >= 4 &&
    (first === "<<EOF" || first === "<<'EOF'" || first === '<<"EOF"') &&
    last?.endsWith("EOF")
  ) {
    const inner = check(lines.slice(1, -1));
    if (typeof inner !== "string") return inner;
  }
  throw new PatchSyntaxError(direct);
}

function parseChunk(
  lines: string[],
  lineNumber: number,
  firstChunk: boolean,
): { chunk: UpdateChunk; consumed: number } {
  let start = 0;
  let context: string | undefined;
  const head = lines[0] ?? "";
  if (head === "@@") {
    start = 1;
  } else if (head.startsWith("@@ ")) {
    context = head.slice(3);
    start = 1;
  } else if (!firstChunk) {
    throw hunkError(lineNumber, `Expected update hunk to start with a @@ context marker, got: '${head}'`);
  }
  if (start >= lines.length) {
    throw hunkError(lineNumber + 1, "Update hunk does not contain any lines");
  }
  const chunk: UpdateChunk = { oldLines: [], newLines: [], endOfFile: false };
  if (context !== undefined) chunk.context = context;
  let parsed = 0;
  for (const line of lines.slice(start)) {
    if (line === EOF_MARK) {
      if (parsed === 0) throw hunkError(lineNumber + 1, "Update hunk does not contain any lines");
      chunk.endOfFile = true;
      parsed++;
      break;
    }
    const marker = line[0];
    if (marker === undefined) {
      // An empty line inside a chunk is an empty context line.
      chunk.oldLines.push("");
      chunk.newLines.push("");
    } else if (marker === " ") {
      chunk.oldLines.push(line.slice(1));
      chunk.newLines.push(line.slice(1));
    } else if (marker === "+") {
      chunk.newLines.push(line.slice(1));
    } else if (marker === "-") {
      chunk.oldLines.push(line.slice(1));
    } else {
      if (parsed === 0) {
        throw hunkError(
          lineNumber + 1,
          `Unexpected line found in update hunk: '${line}'. Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)`,
        );
      }
      break; // start of the next chunk or hunk
    }
    parsed++;
  }
  return { chunk, consumed: start + parsed };
}

function parseHunk(lines: string[], lineNumber: number): { hunk: Hunk; consumed: number } {
  const first = (lines[0] ?? "").trim();
  if (first.startsWith(ADD)) {
    const path = first.slice(ADD.length);
    let contents = "";
    let consumed = 1;
    for (const line of lines.slice(1)) {
      if (!line.startsWith("+")) break;
      contents += `${line.slice(1)}\n`;
      consumed++;
    }
    return { hunk: { type: "add", path, contents }, consumed };
  }
  if (first.startsWith(DELETE)) {
    return { hunk: { type: "delete", path: first.slice(DELETE.length) }, consumed: 1 };
  }
  if (first.startsWith(UPDATE)) {
    const path = first.slice(UPDATE.length);
    let rest = lines.slice(1);
    let consumed = 1;
    let movePath: string | undefined;
    if (rest[0]?.startsWith(MOVE)) {
      movePath = rest[0].slice(MOVE.length);
      rest = rest.slice(1);
      consumed++;
    }
    const chunks: UpdateChunk[] = [];
    while (rest.length > 0) {
      const line = rest[0] ?? "";
      if (line.trim() === "") {
        rest = rest.slice(1);
        consumed++;
        continue;
      }
      if (line.startsWith("*")) break;
      const { chunk, consumed: n } = parseChunk(rest, lineNumber + consumed, chunks.length === 0);
      chunks.push(chunk);
      rest = rest.slice(n);
      consumed += n;
    }
    if (chunks.length === 0) {
      throw hunkError(lineNumber, `Update file hunk for path '${path}' is empty`);
    }
    const hunk: Hunk = { type: "update", path, chunks };
    if (movePath !== undefined) hunk.movePath = movePath;
    return { hunk, consumed };
  }
  throw hunkError(
    lineNumber,
    `'${first}' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'`,
  );
}

/** Parse patch text into hunks, or a clear error naming the line and the problem. */
export function parsePatch(text: string): ParseResult {
  try {
    const lines = text.trim().split(/\r?\n/);
    const body = bodyLines(lines);
    const hunks: Hunk[] = [];
    let lineNumber = 2;
    let rest = body;
    while (rest.length > 0) {
      const { hunk, consumed } = parseHunk(rest, lineNumber);
      hunks.push(hunk);
      lineNumber += consumed;
      rest = rest.slice(consumed);
    }
    return { ok: true, hunks, patch: [BEGIN, ...body, END].join("\n") };
  } catch (err) {
    if (err instanceof PatchSyntaxError) return { ok: false, error: err.message };
    throw err;
  }
}
