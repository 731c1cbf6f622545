/**
 * Splits `bash -lc "<script>"` (also sh/zsh, `-c`/`-lc`) into simple commands with tree-sitter-bash
 * (the same grammar Codex uses), following Codex's conservative rules: only words, quoted strings
 * without expansions, and the operators `&&`, `||`, `;`, `|` are accepted. Anything else
 * (substitutions, expansions, redirections, subshells, control flow, assignments, parse errors)
 * makes the script unparseable, and the caller must treat it as one opaque command.
 */
import { createRequire } from "node:module";
import { setFlagsFromString } from "node:v8";
import { Language, type Node, Parser } from "web-tree-sitter";
import { DEFER, lexPlainScript } from "./plain-script.js";

const require = createRequire(import.meta.url);

/**
 * Compiles the grammar with V8's baseline WASM compiler (Liftoff) only. By default V8 recompiles
 * hot WASM functions with TurboFan on a background thread: for tree-sitter-bash that costs ~50 MiB
 * of RSS, steals the CPU from short processes, and delays process exit by a few hundred ms (Node
 * waits for the background job). V8 decides the tiers of a module when it compiles it, so the flag
 * is set only around this compilation and WASM compiled later (undici's llhttp) keeps the default.
 * Parse results are identical; only the machine code differs. (bench: exec-cli, BENCHMARKS.md.)
 */
async function withLiftoffOnly<T>(compile: () => Promise<T>): Promise<T> {
  // If the process was started with --liftoff-only, leave it on afterwards.
  const alreadyOn =
    process.execArgv.includes("--liftoff-only") ||
    /(^|\s)--liftoff-only\b/.test(process.env.NODE_OPTIONS ?? "");
  setFlagsFromString("--liftoff-only");
  try {
    return await compile();
  } finally {
    if (!alreadyOn) setFlagsFromString("--no-liftoff-only");
  }
}

async function loadBashParser(): Promise<Parser> {
  const language = await withLiftoffOnly(async () => {
    await Parser.init();
    return Language.load(require.resolve("tree-sitter-bash/tree-sitter-bash.wasm"));
  });
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

// The grammar (a WASM module) is loaded on demand: the scripts agents send most are decided by
// the plain-script lexer without it, and a short-lived process (`codex-ts exec`) should not pay
// tens of milliseconds for a parser it may never use. The checks stay synchronous; a caller about
// to check a script the lexer cannot decide awaits `loadShellParser()` (or `prepareShellParsing`).
let bashParser: Parser | undefined;
let loading: Promise<Parser> | undefined;

/** Loads tree-sitter-bash once (later calls share the first). Safe to call at any time. */
export async function loadShellParser(): Promise<void> {
  loading ??= loadBashParser().then((parser) => {
    bashParser = parser;
    return parser;
  });
  try {
    await loading;
  } catch (error) {
    loading = undefined; // let a later call try again
    throw error;
  }
}

/** Whether the tree-sitter grammar is loaded (checks that need it would otherwise throw). */
export function shellParserLoaded(): boolean {
  return bashParser !== undefined;
}

/**
 * Whether checking `argv` needs the tree-sitter grammar: a `bash -lc` (sh/zsh, `-c`) script the
 * plain-script lexer cannot decide, or one with a here-document.
 */
export function needsShellParser(argv: readonly string[]): boolean {
  const script = extractShellScript(argv);
  if (script === undefined) return false;
  return script.includes("<<") || (!plainCache.has(script) && lexPlainScript(script) === DEFER);
}

/** Loads the grammar if checking `argv` needs it; afterwards every check of `argv` is synchronous. */
export async function prepareShellParsing(argv: readonly string[]): Promise<void> {
  if (!bashParser && needsShellParser(argv)) await loadShellParser();
}

function parser(): Parser {
  if (!bashParser) {
    throw new Error(
      "@codex-ts/execpolicy: this shell script needs the tree-sitter parser, which is not loaded yet; " +
        "await loadShellParser() (or prepareShellParsing(argv)) before checking it",
    );
  }
  return bashParser;
}

const ALLOWED_KINDS = new Set([
  "program",
  "list",
  "pipeline",
  "command",
  "command_name",
  "word",
  "string",
  "string_content",
  "raw_string",
  "number",
  "concatenation",
]);
const ALLOWED_PUNCT = new Set(["&&", "||", ";", "|", '"', "'"]);

const SHELLS = new Set(["bash", "zsh", "sh"]);

function shellName(program: string): string {
  const base = program.split(/[\\/]/).pop() ?? program;
  return base.toLowerCase().replace(/\.exe$/, "");
}

/** `[shell, "-c"|"-lc", script]` with shell one of bash/zsh/sh → the script, else undefined. */
export function extractShellScript(argv: readonly string[]): string | undefined {
  if (argv.length !== 3) return undefined;
  const [shell, flag, script] = argv as [string, string, string];
  if (flag !== "-lc" && flag !== "-c") return undefined;
  return SHELLS.has(shellName(shell)) ? script : undefined;
}

function doubleQuoted(node: Node): string | undefined {
  for (const part of node.namedChildren) {
    if (part?.type !== "string_content") return undefined;
  }
  const raw = node.text;
  if (raw.length < 2 || !raw.startsWith('"') || !raw.endsWith('"')) return undefined;
  return raw.slice(1, -1);
}

function rawString(node: Node): string | undefined {
  const raw = node.text;
  if (raw.length < 2 || !raw.startsWith("'") || !raw.endsWith("'")) return undefined;
  return raw.slice(1, -1);
}

function commandWords(cmd: Node): string[] | undefined {
  const words: string[] = [];
  for (const child of cmd.namedChildren) {
    if (!child) return undefined;
    switch (child.type) {
      case "command_name": {
        const word = child.namedChild(0);
        if (word?.type !== "word") return undefined;
        words.push(word.text);
        break;
      }
      case "word":
      case "number":
        words.push(child.text);
        break;
      case "string": {
        const s = doubleQuoted(child);
        if (s === undefined) return undefined;
        words.push(s);
        break;
      }
      case "raw_string": {
        const s = rawString(child);
        if (s === undefined) return undefined;
        words.push(s);
        break;
      }
      case "concatenation": {
        let joined = "";
        for (const part of child.namedChildren) {
          if (!part) return undefined;
          let piece: string | undefined;
          if (part.type === "word" || part.type === "number") piece = part.text;
          else if (part.type === "string") piece = doubleQuoted(part);
          else if (part.type === "raw_string") piece = rawString(part);
          if (piece === undefined) return undefined;
          joined += piece;
        }
        if (joined === "") return undefined;
        words.push(joined);
        break;
      }
      default:
        return undefined;
    }
  }
  return words;
}

function wordOnlySequence(root: Node): string[][] | undefined {
  if (root.hasError) return undefined;
  const stack: Node[] = [root];
  const commands: Node[] = [];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    const kind = node.type;
    if (node.isNamed) {
      if (!ALLOWED_KINDS.has(kind)) return undefined;
      if (kind === "command") commands.push(node);
    } else if (!(ALLOWED_PUNCT.has(kind) || kind.trim() === "")) {
      return undefined;
    }
    for (const child of node.children) if (child) stack.push(child);
  }
  commands.sort((a, b) => a.startIndex - b.startIndex);
  const out: string[][] = [];
  for (const node of commands) {
    const words = commandWords(node);
    if (!words) return undefined;
    out.push(words);
  }
  return out;
}

/** The plain commands of `script` by the tree-sitter walk alone (needs the parser loaded). */
export function treeSitterPlainCommands(script: string): string[][] | null {
  const tree = parser().parse(script);
  if (!tree) return null;
  try {
    return wordOnlySequence(tree.rootNode) ?? null;
  } finally {
    tree.delete();
  }
}

const CACHE_LIMIT = 2048;
const plainCache = new Map<string, string[][] | null>();

/**
 * Splits a script made only of plain commands joined by `&&`, `||`, `;`, `|`. Returns null when the
 * script contains anything else. Results are cached (bounded) since agents repeat scripts.
 */
export function parsePlainShellScript(script: string): string[][] | null {
  const cached = plainCache.get(script);
  if (cached !== undefined) return cached === null ? null : cached.map((c) => [...c]);
  const lexed = lexPlainScript(script);
  const result = lexed === DEFER ? treeSitterPlainCommands(script) : lexed;
  if (plainCache.size >= CACHE_LIMIT) plainCache.clear();
  plainCache.set(script, result);
  return result ? result.map((c) => [...c]) : null;
}

/** The plain commands inside `bash -lc "..."` (and sh/zsh, -c), or null. */
export function parseShellLcPlainCommands(argv: readonly string[]): string[][] | null {
  const script = extractShellScript(argv);
  return script === undefined ? null : parsePlainShellScript(script);
}

const HEREDOC_ATTACHMENTS = new Set([
  "heredoc_body",
  "simple_heredoc_body",
  "heredoc_redirect",
  "herestring_redirect",
  "redirected_statement",
]);

function hasDescendant(node: Node, kind: string): boolean {
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    if (n.type === kind) return true;
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}

function isLiteralWord(node: Node): boolean {
  return (node.type === "word" || node.type === "number") && node.namedChildCount === 0;
}

/**
 * For a `bash -lc` script that is a single command fed by a here-doc (`cat <<EOF ... EOF`), the
 * command's literal words; otherwise null. Used so prefix rules still apply to such commands.
 */
export function parseShellLcSingleCommandPrefix(argv: readonly string[]): string[] | null {
  const script = extractShellScript(argv);
  // Without `<<` there is no here-document (and no need for the grammar).
  if (script === undefined || !script.includes("<<")) return null;
  const tree = parser().parse(script);
  if (!tree) return null;
  try {
    const root = tree.rootNode;
    if (root.hasError || !hasDescendant(root, "heredoc_redirect") || hasDescendant(root, "file_redirect")) {
      return null;
    }
    let single: Node | undefined;
    const stack: Node[] = [root];
    while (stack.length > 0) {
      const n = stack.pop() as Node;
      if (n.type === "command") {
        if (single) return null;
        single = n;
      }
      for (const c of n.namedChildren) if (c) stack.push(c);
    }
    if (!single) return null;
    const words: string[] = [];
    for (const child of single.namedChildren) {
      if (!child) return null;
      if (child.type === "command_name") {
        const w = child.namedChild(0);
        if (!w || !isLiteralWord(w)) return null;
        words.push(w.text);
      } else if (child.type === "word" || child.type === "number") {
        if (!isLiteralWord(child)) return null;
        words.push(child.text);
      } else if (child.type !== "comment" && !HEREDOC_ATTACHMENTS.has(child.type)) {
        return null;
      }
    }
    return words.length > 0 ? words : null;
  } finally {
    tree.delete();
  }
}
