/** Pure text helpers for transcript cells. */

/** Lines of output shown at each end of a long output. */
const HEAD = 2;
const TAIL = 3;

/** A command's output as shown in its cell: the first and last lines, the middle counted. */
export function truncateOutput(output: string): string[] {
  const lines = output.replace(/\n$/, "").split("\n");
  if (lines.length === 1 && lines[0] === "") return [];
  if (lines.length <= HEAD + TAIL + 1) return lines;
  return [...lines.slice(0, HEAD), `… +${lines.length - HEAD - TAIL} lines`, ...lines.slice(-TAIL)];
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  return `${Math.floor(seconds / 60)}m ${Math.round(seconds % 60)}s`;
}

/** The command as the user would type it: a `bash -lc '…'` wrapper is shown as its script. */
export function displayCommand(command: string): string {
  const match = /^(?:\/\S*\/)?(?:ba|z)?sh -lc (?:'((?:[^']|'\\'')*)'|"((?:[^"\\]|\\.)*)")$/.exec(command);
  if (!match) return command;
  if (match[1] !== undefined) return match[1].replace(/'\\''/g, "'");
  return (match[2] ?? "").replace(/\\(.)/g, "$1");
}

/** `text` on one line (whitespace runs collapsed), cut to `max` characters with an ellipsis. */
export function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
