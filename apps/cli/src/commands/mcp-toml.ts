// Surgical edits of `[mcp_servers.<name>]` in config.toml text: a server's tables are replaced or
// removed line by line and new ones appended, so every other line (comments, blank lines, key
// order, other tables) stays as the user wrote it. smol-toml only parses, to check the result.
import { parse } from "smol-toml";

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

export type EditResult = { ok: true; text: string } | { ok: false; error: string };

const BARE_KEY = /^[A-Za-z0-9_-]+$/;
const key = (k: string) => (BARE_KEY.test(k) ? k : JSON.stringify(k));

function value(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(value).join(", ")}]`;
  if (isTable(v)) return `{ ${Object.entries(v).map(([k, x]) => `${key(k)} = ${value(x)}`).join(", ")} }`;
  return JSON.stringify(v);
}

/** `[mcp_servers.<name>]` with its scalar keys, then one sub-table per table-valued key. */
function serverText(name: string, entry: Table): string {
  const head = `mcp_servers.${key(name)}`;
  const scalars = Object.entries(entry).filter(([, v]) => !isTable(v));
  const tables = Object.entries(entry).filter((e): e is [string, Table] => isTable(e[1]));
  const lines = [`[${head}]`, ...scalars.map(([k, v]) => `${key(k)} = ${value(v)}`)];
  for (const [k, t] of tables) lines.push("", `[${head}.${key(k)}]`, ...Object.entries(t).map(([tk, tv]) => `${key(tk)} = ${value(tv)}`));
  return `${lines.join("\n")}\n`;
}

/** The dotted key path of a `[table]` header line (quotes resolved), or null for other lines. */
function headerPath(line: string): string[] | null {
  const match = /^\s*\[\[?\s*(.*?)\s*\]\]?\s*(#.*)?$/.exec(line);
  if (!match?.[1]) return null;
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(\.|$)/y;
  re.lastIndex = 0;
  while (re.lastIndex < match[1].length) {
    const m = re.exec(match[1]);
    if (m === null) return null;
    parts.push(m[1] !== undefined ? (JSON.parse(`"${m[1]}"`) as string) : (m[2] ?? m[3] ?? ""));
    if (m[4] === "") break;
  }
  return parts.length > 0 ? parts : null;
}

const isServerHeader = (path: string[] | null, name: string) => path !== null && path[0] === "mcp_servers" && path[1] === name;
const isBlankOrComment = (line: string) => /^\s*(#.*)?$/.test(line);

/**
 * Line ranges of the server's own tables. A range ends at its last key line: the comments and
 * blank lines just before the next header belong to what follows. With `leadingComments`, the
 * comment lines right above a header (no blank line between) belong to its range.
 */
function serverRanges(lines: string[], name: string, leadingComments: boolean): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < lines.length; i++) {
    if (!isServerHeader(headerPath(lines[i]!), name)) continue;
    let next = i + 1;
    while (next < lines.length && headerPath(lines[next]!) === null) next++;
    let end = next - 1;
    while (end > i && isBlankOrComment(lines[end]!)) end--;
    let start = i;
    while (leadingComments && start > 0 && /^\s*#/.test(lines[start - 1]!)) start--;
    ranges.push([start, end]);
  }
  return ranges;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isTable(a) && isTable(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]));
  }
  return a === b;
}

function parsedServers(text: string): Table | { error: string } {
  try {
    const doc = parse(text);
    return isTable(doc.mcp_servers) ? doc.mcp_servers : {};
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * Drops the lines of `ranges`, and the blank line each leaves doubled (for a replacement, not
 * after the last range: the new tables take its place).
 */
function withoutRanges(lines: string[], ranges: Array<[number, number]>, replacing: boolean): string[] {
  const drop = new Set<number>();
  for (const [index, [start, end]] of ranges.entries()) {
    const tidy = !replacing || index < ranges.length - 1;
    for (let i = start; i <= end; i++) drop.add(i);
    const doubled = end + 1 < lines.length && lines[end + 1]!.trim() === "" && start > 0 && lines[start - 1]!.trim() === "";
    if (tidy && doubled) drop.add(end + 1);
  }
  return lines.filter((_, i) => !drop.has(i));
}

/**
 * The text with server `name` set to `entry` (null: removed). Its tables are replaced where they
 * were (or appended); a server written in another form (inline, dotted keys) is refused rather
 * than rewritten.
 */
export function editMcpServer(text: string, name: string, entry: Table | null): EditResult {
  const before = parsedServers(text);
  if ("error" in before && typeof before.error === "string") return { ok: false, error: `config.toml is not valid TOML: ${before.error}` };
  const exists = Object.hasOwn(before, name);
  const lines = text.split("\n");
  const ranges = serverRanges(lines, name, entry === null);
  if (exists && ranges.length === 0) {
    return { ok: false, error: `mcp_servers.${name} is not written as a [mcp_servers.${name}] table; edit config.toml by hand` };
  }
  let out: string;
  if (entry === null) {
    out = withoutRanges(lines, ranges, false).join("\n");
  } else if (ranges.length > 0) {
    // Every dropped line comes at or after the first range: the new tables go where it started.
    const first = ranges[0]![0];
    const kept = withoutRanges(lines, ranges, true);
    const block = serverText(name, entry).replace(/\n$/, "").split("\n");
    out = [...kept.slice(0, first), ...block, ...kept.slice(first)].join("\n");
  } else {
    const trimmed = text.replace(/\n*$/, "");
    out = `${trimmed}${trimmed === "" ? "" : "\n\n"}${serverText(name, entry)}`;
  }
  const after = parsedServers(out);
  if ("error" in after && typeof after.error === "string") return { ok: false, error: `the edit would break config.toml: ${after.error}` };
  const got = (after as Table)[name];
  const same = entry === null ? got === undefined : sameValue(got, entry);
  if (!same) return { ok: false, error: `could not edit mcp_servers.${name} in place; edit config.toml by hand` };
  return { ok: true, text: out };
}
