/**
 * Evaluating the arguments of a `.rules` call: the values an expression yields, binding them to a
 * builtin's parameters (positional or keyword, as Starlark does), and the typed accessors and
 * pattern/example checks the builtins use. A failure is a {@link RuleEvalError} at its position.
 */
import { split as shlexSplit } from "shlex";
import type { PatternToken } from "./rule-model.js";
import type { Call, Position } from "./syntax.js";

/** A rules-file evaluation error at a source position (caught by `parseRulesFile`). */
export class RuleEvalError {
  constructor(
    readonly pos: Position,
    readonly message: string,
  ) {}
}

export type Value =
  | { type: "string"; value: string }
  | { type: "int"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "none" }
  | { type: "list"; items: Value[] };

export function typeName(v: Value): string {
  return v.type === "none" ? "NoneType" : v.type;
}

export const BUILTIN_CONSTANTS: Record<string, Value> = {
  None: { type: "none" },
  True: { type: "bool", value: true },
  False: { type: "bool", value: false },
};

interface Signature {
  params: readonly string[];
  required: readonly string[];
}

export const SIGNATURES: Record<string, Signature> = {
  prefix_rule: {
    params: ["pattern", "decision", "match", "not_match", "justification"],
    required: ["pattern"],
  },
  network_rule: {
    params: ["host", "protocol", "decision", "justification"],
    required: ["host", "protocol", "decision"],
  },
  host_executable: { params: ["name", "paths"], required: ["name", "paths"] },
};

/** A call's arguments by parameter name. */
export type Bound = Map<string, { value: Value; pos: Position }>;

/** Binds a builtin call's argument values to its parameters, checking names and required ones. */
export function bindArgs(call: Call, values: Value[]): Bound {
  const sig = SIGNATURES[call.callee];
  if (!sig) {
    const known = Object.keys(SIGNATURES).join(", ");
    throw new RuleEvalError(call.pos, `unknown function '${call.callee}' (expected one of ${known})`);
  }
  const bound: Bound = new Map();
  let positional = 0;
  call.args.forEach((arg, idx) => {
    const value = values[idx] as Value;
    let name = arg.name;
    if (name === undefined) {
      if (bound.size > positional) {
        throw new RuleEvalError(arg.pos, "positional argument follows keyword argument");
      }
      name = sig.params[positional];
      positional += 1;
      if (name === undefined) {
        throw new RuleEvalError(
          arg.pos,
          `too many positional arguments for ${call.callee}() (expected at most ${sig.params.length})`,
        );
      }
    } else if (!sig.params.includes(name)) {
      throw new RuleEvalError(
        arg.pos,
        `unexpected parameter '${name}' for ${call.callee}() (expected one of ${sig.params.join(", ")})`,
      );
    }
    if (bound.has(name)) {
      throw new RuleEvalError(arg.pos, `parameter '${name}' given more than once to ${call.callee}()`);
    }
    bound.set(name, { value, pos: arg.pos });
  });
  for (const req of sig.required) {
    if (!bound.has(req)) {
      throw new RuleEvalError(call.pos, `missing parameter '${req}' for call to ${call.callee}()`);
    }
  }
  return bound;
}

export function optString(
  args: Bound,
  name: string,
  fn: string,
): { value: string; pos: Position } | undefined {
  const a = args.get(name);
  if (!a) return undefined;
  if (a.value.type !== "string") {
    throw new RuleEvalError(
      a.pos,
      `parameter '${name}' of ${fn}() must be a string, got ${typeName(a.value)}`,
    );
  }
  return { value: a.value.value, pos: a.pos };
}

export function optList(
  args: Bound,
  name: string,
  fn: string,
): { items: Value[]; pos: Position } | undefined {
  const a = args.get(name);
  if (!a) return undefined;
  if (a.value.type !== "list") {
    throw new RuleEvalError(a.pos, `parameter '${name}' of ${fn}() must be a list, got ${typeName(a.value)}`);
  }
  return { items: a.value.items, pos: a.pos };
}

export function justificationOf(args: Bound, fn: string): string | undefined {
  const j = optString(args, "justification", fn);
  if (j && j.value.trim() === "") throw new RuleEvalError(j.pos, "justification cannot be empty");
  return j?.value;
}

export function parseExamples(list: { items: Value[]; pos: Position } | undefined, name: string): string[][] {
  if (!list) return [];
  return list.items.map((item) => {
    if (item.type === "string") {
      let tokens: string[];
      try {
        tokens = shlexSplit(item.value);
      } catch {
        throw new RuleEvalError(
          list.pos,
          `invalid example in ${name}: example string has invalid shell syntax`,
        );
      }
      if (tokens.length === 0) {
        throw new RuleEvalError(list.pos, `invalid example in ${name}: example cannot be an empty string`);
      }
      return tokens;
    }
    if (item.type === "list") {
      const tokens = item.items.map((t) => {
        if (t.type !== "string") {
          throw new RuleEvalError(
            list.pos,
            `invalid example in ${name}: example tokens must be strings (got ${typeName(t)})`,
          );
        }
        return t.value;
      });
      if (tokens.length === 0) {
        throw new RuleEvalError(list.pos, `invalid example in ${name}: example cannot be an empty list`);
      }
      return tokens;
    }
    throw new RuleEvalError(
      list.pos,
      `invalid example in ${name}: example must be a string or list of strings (got ${typeName(item)})`,
    );
  });
}

export function parsePatternToken(v: Value, pos: Position): PatternToken {
  if (v.type === "string") return v.value;
  if (v.type === "list") {
    const alts = v.items.map((a) => {
      if (a.type !== "string") {
        throw new RuleEvalError(pos, `pattern alternative must be a string (got ${typeName(a)})`);
      }
      return a.value;
    });
    if (alts.length === 0) throw new RuleEvalError(pos, "pattern alternatives cannot be empty");
    return alts.length === 1 ? (alts[0] as string) : alts;
  }
  throw new RuleEvalError(pos, `pattern element must be a string or list of strings (got ${typeName(v)})`);
}
