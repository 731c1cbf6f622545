/**
 * A small lexer for the scripts agents send most (`ls -la`, `rg -n foo src | head`,
 * `git status && git diff`): plain words and quotes joined by `&&`, `||`, `;`, `|`. For those it
 * returns the same commands as the tree-sitter-bash walk in shell.ts, without loading the grammar
 * (a WASM module whose first use costs tens of milliseconds). Anything it is not certain about
 * (expansions, redirections, globs, comments, keywords, assignments, escapes, newlines, non-ASCII,
 * unusual operator placement) returns DEFER, and the caller asks tree-sitter. The two are checked
 * against each other by fuzz.test.ts.
 */

/** The lexer is not sure what tree-sitter would say: ask it. */
export const DEFER = Symbol("defer");

/** Characters of an unquoted word the fast path accepts. */
const WORD_CHAR = /[A-Za-z0-9_\-./:,@%+=]/;
/** Inside "…": anything but the characters that start expansions or escapes (and no newline). */
const DOUBLE_QUOTED_BODY = /^[^"$`\\\n!]*$/;
/** Words that bash parses as syntax (or as declarations) at the start of a command. */
const COMMAND_KEYWORDS = new Set([
  "if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while", "until", "do",
  "done", "in", "function", "time", "coproc", "declare", "typeset", "export", "readonly", "local",
  "unset", "unsetenv",
]);
/** A command name the lexer vouches for (no `=`: that would be an assignment). */
const COMMAND_NAME = /^[A-Za-z0-9_./][A-Za-z0-9_\-./:,@%+]*$/;
const OPERATORS = ["&&", "||", ";", "|"] as const;

/** The plain commands of `script` (what shell.ts's tree-sitter walk returns), or DEFER. */
export function lexPlainScript(script: string): string[][] | typeof DEFER {
  const commands: string[][] = [];
  let words: string[] = [];
  let i = 0;
  const endCommand = (): boolean => {
    if (words.length === 0) return false;
    commands.push(words);
    words = [];
    return true;
  };
  while (i < script.length) {
    const c = script[i] as string;
    if (c === " " || c === "\t") {
      i += 1;
      continue;
    }
    const op = OPERATORS.find((o) => script.startsWith(o, i));
    if (op) {
      // `;;`, `|&`, `&&&`, `||` followed by `|` …: leave odd sequences to tree-sitter.
      const next = script[i + op.length];
      if (next === ";" || next === "&" || next === "|") return DEFER;
      if (!endCommand()) return DEFER; // leading operator or two in a row
      i += op.length;
      continue;
    }
    // One word: unquoted runs and quoted strings written together.
    let text = "";
    let pieces = 0;
    let plain = true;
    while (i < script.length) {
      const ch = script[i] as string;
      if (ch === "'") {
        const end = script.indexOf("'", i + 1);
        if (end < 0) return DEFER;
        const body = script.slice(i + 1, end);
        if (body.includes("\n")) return DEFER;
        text += body;
        i = end + 1;
        pieces += 1;
        plain = false;
      } else if (ch === '"') {
        const end = script.indexOf('"', i + 1);
        if (end < 0) return DEFER;
        const body = script.slice(i + 1, end);
        if (!DOUBLE_QUOTED_BODY.test(body)) return DEFER;
        text += body;
        i = end + 1;
        pieces += 1;
        plain = false;
      } else if (WORD_CHAR.test(ch)) {
        let j = i;
        while (j < script.length && WORD_CHAR.test(script[j] as string)) j += 1;
        text += script.slice(i, j);
        i = j;
        pieces += 1;
      } else if (ch === " " || ch === "\t" || ch === ";" || ch === "|" || (ch === "&" && script[i + 1] === "&")) {
        break;
      } else {
        return DEFER; // $ ` \ ( ) < > * ? [ ] { } ~ # ! & newline, non-ASCII …
      }
    }
    if (words.length === 0) {
      // The command name must be one plain word that is not syntax, an assignment or a number.
      if (!plain || pieces !== 1 || COMMAND_KEYWORDS.has(text) || !COMMAND_NAME.test(text) || /^[0-9]+$/.test(text)) {
        return DEFER;
      }
    } else if (pieces > 1 && text === "") {
      return DEFER; // an empty concatenation such as ""''
    }
    words.push(text);
  }
  if (!endCommand()) return DEFER; // empty script, or a trailing operator
  return commands;
}
