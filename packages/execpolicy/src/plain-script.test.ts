import { seededRandom } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import {
  isKnownSafeCommand,
  loadShellParser,
  needsShellParser,
  parseShellLcPlainCommands,
  parseShellLcSingleCommandPrefix,
  prepareShellParsing,
  shellParserLoaded,
} from "./index.js";
import { DEFER, lexPlainScript } from "./plain-script.js";
import { treeSitterPlainCommands } from "./shell.js";

const bash = (script: string) => ["bash", "-lc", script];

/** Scripts agents send all the time: the lexer must decide these without the grammar. */
const COMMON = [
  "ls -la",
  "git status && git diff",
  "rg -n 'fn main' src | head -20",
  'sed -n "1,80p" src/index.ts',
  "cat package.json; ls",
  "npm test -- --run || echo failed",
  "git log --oneline -n 5",
  "pnpm --filter @codex-ts/core test",
  "echo ''",
  "python3 -m pytest tests/unit -x",
];

// Tests in this file run in order: the first ones need the grammar NOT to be loaded yet.
describe("the grammar is loaded only when a script needs it", () => {
  it("decides common scripts without loading tree-sitter", () => {
    expect(parseShellLcPlainCommands(bash("git status && rg -n foo src | head -5"))).toEqual([
      ["git", "status"],
      ["rg", "-n", "foo", "src"],
      ["head", "-5"],
    ]);
    expect(isKnownSafeCommand(bash("ls -la && pwd"))).toBe(true);
    expect(parseShellLcSingleCommandPrefix(bash("cat README.md"))).toBeNull();
    for (const script of COMMON) expect(needsShellParser(bash(script)), script).toBe(false);
    expect(needsShellParser(["git", "status"])).toBe(false);
    expect(shellParserLoaded()).toBe(false);
  });

  it("refuses, with a clear error, to guess a script only the grammar can decide", () => {
    for (const script of ["echo $HOME", "ls > out.txt", "cat <<EOF\nhi\nEOF", "if true; then ls; fi"]) {
      expect(needsShellParser(bash(script)), script).toBe(true);
    }
    expect(() => parseShellLcPlainCommands(bash("echo $HOME"))).toThrow(/await loadShellParser\(\)/);
    expect(() => parseShellLcSingleCommandPrefix(bash("cat <<EOF\nhi\nEOF"))).toThrow(/loadShellParser/);
    expect(shellParserLoaded()).toBe(false);
  });

  it("prepareShellParsing loads it for such a script; checks are then synchronous", async () => {
    await prepareShellParsing(bash("ls"));
    expect(shellParserLoaded()).toBe(false);
    await prepareShellParsing(bash("echo $HOME"));
    expect(shellParserLoaded()).toBe(true);
    expect(parseShellLcPlainCommands(bash("echo $HOME"))).toBeNull();
    expect(parseShellLcSingleCommandPrefix(bash("cat <<EOF\nhi\nEOF"))).toEqual(["cat"]);
  });
});

describe("the plain-script lexer agrees with the tree-sitter walk", () => {
  it("on the common scripts", async () => {
    await loadShellParser();
    for (const script of COMMON) {
      const lexed = lexPlainScript(script);
      expect(lexed, script).not.toBe(DEFER);
      expect(lexed, script).toEqual(treeSitterPlainCommands(script));
    }
  });

  it("on 20,000 random scripts (whenever it does not defer)", async () => {
    await loadShellParser();
    // Words the lexer handles (picked most of the time) and words it must leave to tree-sitter.
    const PLAIN = [
      "ls", "git", "status", "-la", "--foo=bar", "a=b", "FOO=1", "12", "3a", "0x1f", "x.y/z", ":", "@x", "%p",
      "+1", "a,b", "-", "--", "echo", "cat", "rg", "-n", "''", '""', "'a b'", '"a b"', '"it\'s"', "'x\"y'",
      "a'b'c", "\"a\"'b'", '""\'\'', "'$HOME'", '"#x"', "a=", "=a", "a:b=c", "%", "@", "'; |'", '"&&"',
    ];
    const TRICKY = [
      "if", "then", "fi", "do", "done", "in", "for", "export", "local", "declare", "time", "function", "case",
      "esac", "é", "a*b", "~", "#c", "$x", "a\\ b", "!", "{a,b}", "[x]", "x]", "'", '"', "a#b", "(x)", "x>y",
      "a&b", "^x", "x^", '"$y"', "`id`",
    ];
    const word = () => (random() < 0.8 ? pick(PLAIN) : pick(TRICKY));
    const NAMES = ["ls", "git", "echo", "cat", "rg", "x.y/z", ":", "a-b", "_x", "./run.sh", "- "];
    const SPACE = [" ", "  ", "\t"];
    const OPS = [" && ", "&&", " || ", "||", "; ", ";", " | ", "|", " ;", " |"];
    const ODD = [" & ", ";;", "|&", "\n", "; ;", "&& ||", "|||"];
    const random = seededRandom(0x5eed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    let decided = 0;
    const total = 20_000;
    for (let n = 0; n < total; n += 1) {
      // Commands of 1–4 words joined by operators, with odd glue now and then.
      let script = random() < 0.05 ? pick([...OPS, ...ODD]) : "";
      const commands = 1 + Math.floor(random() * 3);
      for (let c = 0; c < commands; c += 1) {
        if (c > 0) script += random() < 0.9 ? pick(OPS) : pick(ODD);
        script += random() < 0.85 ? pick(NAMES) : word();
        const args = Math.floor(random() * 4);
        for (let a = 0; a < args; a += 1) script += (random() < 0.95 ? pick(SPACE) : pick(ODD)) + word();
      }
      if (random() < 0.05) script += pick([...OPS, ...ODD]);
      const lexed = lexPlainScript(script);
      if (lexed === DEFER) continue;
      decided += 1;
      expect(lexed, JSON.stringify(script)).toEqual(treeSitterPlainCommands(script));
    }
    // The comparison must cover a real share of the scripts, or it proves nothing.
    expect(decided).toBeGreaterThan(total / 10);
  });
});
