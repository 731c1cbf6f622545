/**
 * The lexer of the Starlark subset Codex `.rules` files use: identifiers, strings (single, double
 * and triple quoted, raw, with Starlark's escapes), integers, punctuation and newlines (ignored
 * inside brackets). A failure is thrown as a {@link Failure}, which `parseSyntax` turns into a
 * value.
 */

export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column (in UTF-16 code units). */
  column: number;
}

export interface SyntaxFailure {
  pos: Position;
  message: string;
}

export type TokenKind = "ident" | "string" | "int" | "punct" | "newline" | "eof";

export interface Token {
  kind: TokenKind;
  /** For ident/punct: the text; for string: the decoded value; for int: the digits. */
  text: string;
  pos: Position;
}

/** A syntax error on its way to `parseSyntax` (never leaves this package's parser). */
export class Failure {
  constructor(readonly failure: SyntaxFailure) {}
}

/** How a token is named in "found …" messages. */
export function describe(token: Token): string {
  switch (token.kind) {
    case "eof":
      return "end of file";
    case "newline":
      return token.text === "" ? "end of file" : "end of line";
    case "string":
      return "a string";
    case "int":
      return `number ${token.text}`;
    case "ident":
      return `'${token.text}'`;
    default:
      return `'${token.text}'`;
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
};

export class Lexer {
  private i = 0;
  private line = 1;
  private lineStart = 0;
  private depth = 0;
  /** Position just past the last token, where end-of-file problems are reported. */
  private lastEnd: Position = { line: 1, column: 1 };
  readonly tokens: Token[] = [];

  constructor(private readonly src: string) {}

  private pos(at = this.i): Position {
    return { line: this.line, column: at - this.lineStart + 1 };
  }

  private fail(message: string, pos = this.pos()): never {
    throw new Failure({ pos, message });
  }

  private newline(): void {
    this.line += 1;
    this.lineStart = this.i;
  }

  run(): Token[] {
    const src = this.src;
    while (this.i < src.length) {
      const before = this.tokens.length;
      this.step(src);
      if (this.tokens.length > before && this.tokens[this.tokens.length - 1]?.kind !== "newline") {
        this.lastEnd = this.pos();
      }
    }
    // A synthetic final newline (empty text) ends the last statement.
    this.tokens.push({ kind: "newline", text: "", pos: this.lastEnd });
    this.tokens.push({ kind: "eof", text: "", pos: this.lastEnd });
    return this.tokens;
  }

  private step(src: string): void {
    const c = src[this.i] as string;
    if (c === " " || c === "\t" || c === "\r" || c === "\f") {
      this.i += 1;
    } else if (c === "\n") {
      if (this.depth === 0) this.tokens.push({ kind: "newline", text: "\n", pos: this.pos() });
      this.i += 1;
      this.newline();
    } else if (c === "#") {
      while (this.i < src.length && src[this.i] !== "\n") this.i += 1;
    } else if (c === "\\" && src[this.i + 1] === "\n") {
      // explicit line continuation
      this.i += 2;
      this.newline();
    } else if (/[A-Za-z_]/.test(c)) {
      const start = this.i;
      while (this.i < src.length && /[A-Za-z0-9_]/.test(src[this.i] as string)) this.i += 1;
      const word = src.slice(start, this.i);
      const next = src[this.i];
      if ((word === "r" || word === "R") && (next === '"' || next === "'")) {
        this.string(start, true);
      } else {
        this.tokens.push({ kind: "ident", text: word, pos: this.pos(start) });
      }
    } else if (c >= "0" && c <= "9") {
      const start = this.i;
      while (this.i < src.length && /[0-9]/.test(src[this.i] as string)) this.i += 1;
      this.tokens.push({ kind: "int", text: src.slice(start, this.i), pos: this.pos(start) });
    } else if (c === '"' || c === "'") {
      this.string(this.i, false);
    } else if ("([".includes(c)) {
      this.depth += 1;
      this.tokens.push({ kind: "punct", text: c, pos: this.pos() });
      this.i += 1;
    } else if (")]".includes(c)) {
      if (this.depth > 0) this.depth -= 1;
      this.tokens.push({ kind: "punct", text: c, pos: this.pos() });
      this.i += 1;
    } else if (",=;".includes(c)) {
      this.tokens.push({ kind: "punct", text: c, pos: this.pos() });
      this.i += 1;
    } else {
      this.fail(`unexpected character ${JSON.stringify(c)}`);
    }
  }

  /** Lexes a string literal whose token starts at `start` (the prefix `r`, if any, included). */
  private string(start: number, raw: boolean): void {
    const src = this.src;
    const startPos = this.pos(start);
    const quote = src[this.i] as string;
    const triple = src.startsWith(quote.repeat(3), this.i);
    this.i += triple ? 3 : 1;
    let out = "";
    for (;;) {
      if (this.i >= src.length) this.fail("unterminated string literal", startPos);
      const c = src[this.i] as string;
      if (c === quote && (!triple || src.startsWith(quote.repeat(3), this.i))) {
        this.i += triple ? 3 : 1;
        break;
      }
      if (c === "\n") {
        if (!triple) this.fail("unterminated string literal (newline before closing quote)", startPos);
        out += c;
        this.i += 1;
        this.newline();
        continue;
      }
      if (c !== "\\") {
        out += c;
        this.i += 1;
        continue;
      }
      // backslash
      const e = src[this.i + 1];
      if (e === undefined) this.fail("unterminated string literal", startPos);
      if (raw) {
        // In raw strings a backslash only protects the following quote/backslash from ending the literal.
        out += c + e;
        this.i += 2;
        if (e === "\n") this.newline();
        continue;
      }
      if (e === "\n") {
        this.i += 2;
        this.newline();
        continue;
      }
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        this.i += 2;
        continue;
      }
      if (e >= "0" && e <= "7") {
        const m = /^[0-7]{1,3}/.exec(src.slice(this.i + 1, this.i + 4)) as RegExpExecArray;
        out += String.fromCodePoint(Number.parseInt(m[0], 8));
        this.i += 1 + m[0].length;
        continue;
      }
      const hexLen = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
      if (hexLen > 0) {
        const hex = src.slice(this.i + 2, this.i + 2 + hexLen);
        if (!new RegExp(`^[0-9A-Fa-f]{${hexLen}}$`).test(hex)) {
          this.fail(`invalid escape sequence \\${e}: expected ${hexLen} hex digits`, this.pos());
        }
        const code = Number.parseInt(hex, 16);
        if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
          this.fail(`invalid escape sequence \\${e}${hex}: not a Unicode scalar value`, this.pos());
        }
        out += String.fromCodePoint(code);
        this.i += 2 + hexLen;
        continue;
      }
      // Unknown escapes keep the backslash, as Starlark does.
      out += c;
      this.i += 1;
    }
    this.tokens.push({ kind: "string", text: out, pos: startPos });
  }
}
