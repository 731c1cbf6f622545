/**
 * Recursive-descent parser (tokens from ./lexer.ts) for the Starlark subset used by Codex `.rules` files.
 *
 * Grammar (newlines are insignificant inside brackets, as in Python/Starlark):
 *
 *   file  := { NEWLINE | ";" | stmt }
 *   stmt  := IDENT "=" expr | call
 *   call  := IDENT "(" [ arg { "," arg } [","] ] ")"
 *   arg   := IDENT "=" expr | expr
 *   expr  := STRING | INT | IDENT | call | "[" [ expr { "," expr } [","] ] "]"
 *
 * The parser never throws: every failure comes back as a `SyntaxFailure` naming the position and
 * what was expected.
 */
import { describe, Failure, Lexer, type Position, type SyntaxFailure, type Token } from "./lexer.js";

export type { Position, SyntaxFailure } from "./lexer.js";

export type Expr =
  | { kind: "string"; value: string; pos: Position }
  | { kind: "int"; value: number; pos: Position }
  | { kind: "ident"; name: string; pos: Position }
  | { kind: "list"; items: Expr[]; pos: Position }
  | { kind: "call"; call: Call };

export interface Arg {
  /** Keyword name, or undefined for a positional argument. */
  name?: string;
  value: Expr;
  pos: Position;
}

export interface Call {
  callee: string;
  args: Arg[];
  pos: Position;
  /** Position just past the closing parenthesis. */
  end: Position;
}

export type Stmt =
  | { kind: "assign"; target: string; value: Expr; pos: Position }
  | { kind: "call"; call: Call };

const MAX_NESTING = 64;

class Parser {
  private k = 0;
  private nesting = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.k + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (this.k < this.tokens.length - 1) this.k += 1;
    return t;
  }

  private isPunct(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === "punct" && t.text === text;
  }

  private expectPunct(text: string, context: string): Token {
    const t = this.peek();
    if (t.kind === "punct" && t.text === text) return this.next();
    throw new Failure({ pos: t.pos, message: `expected '${text}' ${context}, found ${describe(t)}` });
  }

  parseFile(): Stmt[] {
    const stmts: Stmt[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === "eof") return stmts;
      if (t.kind === "newline" || this.isPunct(";")) {
        this.next();
        continue;
      }
      stmts.push(this.parseStmt());
      const end = this.peek();
      if (!(end.kind === "newline" || end.kind === "eof" || this.isPunct(";"))) {
        throw new Failure({
          pos: end.pos,
          message: `expected end of statement (newline or ';'), found ${describe(end)}`,
        });
      }
    }
  }

  private parseStmt(): Stmt {
    const t = this.peek();
    if (t.kind !== "ident") {
      throw new Failure({
        pos: t.pos,
        message: `expected a statement such as prefix_rule(...), found ${describe(t)}`,
      });
    }
    if (this.isPunct("=", 1)) {
      this.next();
      this.next();
      return { kind: "assign", target: t.text, value: this.parseExpr(), pos: t.pos };
    }
    if (this.isPunct("(", 1)) return { kind: "call", call: this.parseCall() };
    const after = this.peek(1);
    throw new Failure({
      pos: after.pos,
      message: `expected '(' or '=' after '${t.text}', found ${describe(after)}`,
    });
  }

  private enter(pos: Position): void {
    this.nesting += 1;
    if (this.nesting > MAX_NESTING) {
      throw new Failure({ pos, message: `expression nested more than ${MAX_NESTING} levels deep` });
    }
  }

  private parseCall(): Call {
    const name = this.next();
    const open = this.expectPunct("(", `after '${name.text}'`);
    this.enter(open.pos);
    const args: Arg[] = [];
    while (!this.isPunct(")")) {
      const t = this.peek();
      if (t.kind === "ident" && this.isPunct("=", 1)) {
        this.next();
        this.next();
        args.push({ name: t.text, value: this.parseExpr(), pos: t.pos });
      } else {
        args.push({ value: this.parseExpr(), pos: t.pos });
      }
      if (!this.isPunct(",")) break;
      this.next();
    }
    const close = this.expectPunct(")", `to close the call to ${name.text}(...)`);
    this.nesting -= 1;
    return {
      callee: name.text,
      args,
      pos: name.pos,
      end: { line: close.pos.line, column: close.pos.column + 1 },
    };
  }

  private parseExpr(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case "string":
        this.next();
        return { kind: "string", value: t.text, pos: t.pos };
      case "int":
        this.next();
        return { kind: "int", value: Number(t.text), pos: t.pos };
      case "ident":
        if (this.isPunct("(", 1)) return { kind: "call", call: this.parseCall() };
        this.next();
        return { kind: "ident", name: t.text, pos: t.pos };
      default:
        break;
    }
    if (this.isPunct("[")) {
      this.next();
      this.enter(t.pos);
      const items: Expr[] = [];
      while (!this.isPunct("]")) {
        items.push(this.parseExpr());
        if (!this.isPunct(",")) break;
        this.next();
      }
      this.expectPunct("]", "to close the list");
      this.nesting -= 1;
      return { kind: "list", items, pos: t.pos };
    }
    throw new Failure({
      pos: t.pos,
      message: `expected a value (string, list, or name), found ${describe(t)}`,
    });
  }
}

export type ParseResult = { ok: true; stmts: Stmt[] } | { ok: false; error: SyntaxFailure };

/** Parses `.rules` source text into statements. Never throws. */
export function parseSyntax(source: string): ParseResult {
  try {
    const tokens = new Lexer(source).run();
    return { ok: true, stmts: new Parser(tokens).parseFile() };
  } catch (err) {
    if (err instanceof Failure) return { ok: false, error: err.failure };
    throw err;
  }
}
