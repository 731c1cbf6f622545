/**
 * `commandActions`: a best-effort reading of what a shell command does, for display (Codex's
 * parse_command): `read` (cat/head/tail/less/sed -n/nl/bat of one file), `listFiles` (ls/tree/
 * find/fd/rg --files), `search` (rg/grep/ag/ack), else `unknown`. Pipelines and `&&` chains give
 * one action per part; `bash -lc "<script>"` is read through. Pure; never throws.
 */
import path from "node:path";
import type { v2 } from "@codex-ts/protocol";
import { shellJoin } from "@codex-ts/rollout";

export type CommandAction =
  | { type: "read"; command: string; name: string; path: string }
  | { type: "listFiles"; command: string; path: string | null }
  | { type: "search"; command: string; query: string | null; path: string | null }
  | { type: "unknown"; command: string };

const READERS = new Set(["cat", "head", "tail", "less", "more", "nl", "bat"]);
const LISTERS = new Set(["ls", "tree", "find", "fd", "exa", "eza"]);
const SEARCHERS = new Set(["rg", "grep", "egrep", "ag", "ack", "git-grep"]);

/** Splits a simple shell script into words per part (quotes respected; no expansions). */
function splitScript(script: string): string[][] {
  const parts: string[][] = [[]];
  let word = "";
  let quote: string | null = null;
  let inWord = false;
  const endWord = () => {
    if (inWord) (parts[parts.length - 1] as string[]).push(word);
    word = "";
    inWord = false;
  };
  for (let i = 0; i < script.length; i++) {
    const ch = script[i] as string;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === "\\" && quote === '"' && i + 1 < script.length) word += script[++i];
      else word += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === "\\" && i + 1 < script.length) {
      word += script[++i];
      inWord = true;
    } else if (/\s/.test(ch)) endWord();
    else if (ch === "|" || ch === ";" || ch === "&") {
      endWord();
      if (script[i + 1] === ch) i++;
      parts.push([]);
    } else {
      word += ch;
      inWord = true;
    }
  }
  endWord();
  return parts.filter((p) => p.length > 0);
}

function operands(args: readonly string[]): string[] {
  return args.filter((a) => !a.startsWith("-"));
}

function classify(words: string[]): CommandAction {
  const command = shellJoin(words);
  const [program = "", ...args] = words;
  const name = path.basename(program);
  const files = operands(args);
  if (READERS.has(name) && files.length === 1) {
    const file = files[0] as string;
    return { type: "read", command, name: path.basename(file), path: file };
  }
  if (name === "sed" && args[0] === "-n" && files.length === 2) {
    const file = files[1] as string;
    return { type: "read", command, name: path.basename(file), path: file };
  }
  if (LISTERS.has(name)) return { type: "listFiles", command, path: files[0] ?? null };
  if (name === "rg" && args.includes("--files")) return { type: "listFiles", command, path: files[0] ?? null };
  if (name === "git" && args[0] === "ls-files") return { type: "listFiles", command, path: operands(args.slice(1))[0] ?? null };
  if (SEARCHERS.has(name) || (name === "git" && args[0] === "grep")) {
    const rest = name === "git" ? operands(args.slice(1)) : files;
    return { type: "search", command, query: rest[0] ?? null, path: rest[1] ?? null };
  }
  return { type: "unknown", command };
}

/** The actions of `command` (argv, or a whole command line). */
export function parseCommandActions(command: readonly string[] | string): CommandAction[] {
  let argv = typeof command === "string" ? (splitScript(command)[0] ?? []) : [...command];
  // `bash -lc "<script>"` and friends: read the script.
  const shell = path.basename(argv[0] ?? "");
  if (["bash", "sh", "zsh"].includes(shell) && (argv[1] === "-lc" || argv[1] === "-c") && argv.length === 3) {
    const parts = splitScript(argv[2] as string);
    const useful = parts.filter((words) => !["cd", "echo", "true"].includes(words[0] ?? ""));
    if (useful.length === 0) return [{ type: "unknown", command: argv[2] as string }];
    return useful.map(classify);
  }
  if (typeof command === "string") {
    const parts = splitScript(command).filter((words) => !["cd", "echo", "true"].includes(words[0] ?? ""));
    return parts.length === 0 ? [{ type: "unknown", command }] : parts.map(classify);
  }
  argv = argv.filter((w) => w !== "");
  return argv.length === 0 ? [] : [classify(argv)];
}

/** A commandExecution item with `commandActions` filled in when core left them empty. */
export function withCommandActions<T extends v2.ThreadItem>(item: T): T {
  if (item.type !== "commandExecution") return item;
  const exec = item as Extract<v2.ThreadItem, { type: "commandExecution" }>;
  if (exec.commandActions.length > 0) return item;
  return { ...exec, commandActions: parseCommandActions(exec.command) } as T;
}
