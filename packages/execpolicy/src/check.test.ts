import { beforeAll, describe, expect, it } from "vitest";
import {
  type Policy,
  formatRulesError,
  isKnownSafeCommand,
  commandMightBeDangerous,
  parsePlainShellScript,
  parseShellLcPlainCommands,
  parseShellLcSingleCommandPrefix,
  policyFromSources,
} from "./index.js";
import { loadShellParser } from "./shell.js";

// These checks include scripts only the tree-sitter grammar decides.
beforeAll(() => loadShellParser());

const RULES = `
prefix_rule(pattern=["git", ["status", "log", "diff"]], decision="allow")
prefix_rule(pattern=["git", "push"], decision="prompt", justification="publishes work")
prefix_rule(pattern=["rm"], decision="forbidden", justification="use trash")
prefix_rule(pattern=["npm", "test"], decision="allow")
prefix_rule(pattern=["echo", "hello world"], decision="allow")
`;

function policy(): Policy {
  const res = policyFromSources([{ file: "p.rules", contents: RULES }]);
  if (!res.ok) throw new Error(formatRulesError(res.error));
  return res.policy;
}

describe("shell scripts are split with tree-sitter-bash", () => {
  it.each([
    ["ls -1", [["ls", "-1"]]],
    ["ls && pwd; echo 'hi there' | wc -l", [["ls"], ["pwd"], ["echo", "hi there"], ["wc", "-l"]]],
    ['git commit -m "line1\nline2"', [["git", "commit", "-m", "line1\nline2"]]],
    [`echo "/usr"'/'"local"/bin`, [["echo", "/usr/local/bin"]]],
    ['rg -n "foo" -g"*.py"', [["rg", "-n", "foo", "-g*.py"]]],
    ["a || b && c", [["a"], ["b"], ["c"]]],
    ["echo 123 456", [["echo", "123", "456"]]],
  ])("%j splits", (script, expected) => {
    expect(parsePlainShellScript(script)).toEqual(expected);
  });

  it.each([
    "(ls)",
    "ls || (pwd && echo hi)",
    "ls > out.txt",
    "cat < in.txt",
    "echo hi & echo bye",
    "echo $(pwd)",
    "echo `pwd`",
    "echo $HOME",
    'echo "hi $USER"',
    'echo "hi ${USER}"',
    "FOO=bar ls",
    "ls &&",
    "&& ls",
    "ls ;; pwd",
    "ls | | wc",
    "if true; then ls; fi",
    "for f in *; do rm $f; done",
    "ls *.txt > $(date)",
    "cat <(ls)",
    "f() { ls; }",
    "ls\\\n -la > x",
    "echo 'unterminated",
  ])("%j is not plain (unmatched, treated as one opaque command)", (script) => {
    expect(parsePlainShellScript(script)).toBeNull();
  });

  it("recognises bash/zsh/sh with -c/-lc only, exactly three tokens", () => {
    expect(parseShellLcPlainCommands(["bash", "-lc", "ls"])).toEqual([["ls"]]);
    expect(parseShellLcPlainCommands(["/bin/zsh", "-c", "ls"])).toEqual([["ls"]]);
    expect(parseShellLcPlainCommands(["sh", "-c", "ls | wc"])).toEqual([["ls"], ["wc"]]);
    expect(parseShellLcPlainCommands(["fish", "-c", "ls"])).toBeNull();
    expect(parseShellLcPlainCommands(["bash", "-x", "ls"])).toBeNull();
    expect(parseShellLcPlainCommands(["bash", "-lc", "git", "status"])).toBeNull();
  });

  it("here-doc single command prefix", () => {
    expect(parseShellLcSingleCommandPrefix(["bash", "-lc", "cat <<EOF\nhello\nEOF"])).toEqual(["cat"]);
    expect(parseShellLcSingleCommandPrefix(["bash", "-lc", "cat <<EOF > out\nhello\nEOF"])).toBeNull();
    expect(parseShellLcSingleCommandPrefix(["bash", "-lc", "ls"])).toBeNull();
  });
});

describe("check(): strictest wins across the simple commands of a script", () => {
  const p = policy();
  it.each([
    [["git", "status"], "allow"],
    [["git", "push", "origin"], "prompt"],
    [["rm", "-rf", "x"], "forbidden"],
    [["bash", "-lc", "git status && git log | head"], "allow"],
    [["bash", "-lc", "git status && rm -rf /"], "forbidden"],
    [["bash", "-lc", "git status; git push"], "prompt"],
    [["zsh", "-lc", "npm test || git diff"], "allow"],
    [["bash", "-lc", "echo 'hello world'"], "allow"],
    [["bash", "-lc", 'echo "hello world"'], "allow"],
    // unparseable script: the whole argv is one unmatched command → not known safe → prompt
    [["bash", "-lc", "git status > $(mktemp)"], "prompt"],
    [["bash", "-lc", "rm -rf $HOME"], "prompt"],
    // unmatched but known safe
    [["ls", "-la"], "allow"],
    [["bash", "-lc", "ls && cat README.md | wc -l"], "allow"],
    [["bash", "-lc", "ls && make"], "prompt"],
    [["cargo", "build"], "prompt"],
    [["find", ".", "-delete"], "prompt"],
  ])("%j → %s", (argv, decision) => {
    expect(p.check(argv).decision).toBe(decision);
  });

  it("reports rule matches and heuristics matches per simple command", () => {
    const ev = p.check(["bash", "-lc", "git status && ls && make"]);
    expect(ev.commands).toEqual([["git", "status"], ["ls"], ["make"]]);
    expect(ev.matchedRules).toEqual([
      { prefixRuleMatch: { matchedPrefix: ["git", "status"], decision: "allow" } },
      { heuristicsRuleMatch: { command: ["ls"], decision: "allow" } },
      { heuristicsRuleMatch: { command: ["make"], decision: "prompt" } },
    ]);
    expect(ev.decision).toBe("prompt");
  });

  it("a caller-supplied fallback decides unmatched commands", () => {
    expect(p.check(["make"], { fallback: () => "allow" }).decision).toBe("allow");
    expect(p.check(["git", "status"], { fallback: () => "forbidden" }).decision).toBe("allow");
  });

  it("checkTokens (the CLI) does not split scripts", () => {
    expect(p.checkTokens(["bash", "-lc", "rm -rf /"])).toEqual({ matchedRules: [] });
  });

  it("allowPrefixes renders alternatives and de-duplicates", () => {
    expect(p.allowPrefixes()).toEqual([
      ["echo", "hello world"],
      ["git", "[status|log|diff]"],
      ["npm", "test"],
    ]);
  });
});

describe("known-safe commands (Codex's list and argument restrictions)", () => {
  it.each([
    [["ls"], true],
    [["/bin/ls", "-la"], true],
    [["cat", "x"], true],
    [["rg", "foo", "-n"], true],
    [["rg", "--pre", "x", "foo"], false],
    [["rg", "--pre=x", "foo"], false],
    [["rg", "-z", "foo"], false],
    [["rg", "--hostname-bin=x"], false],
    [["find", ".", "-name", "x"], true],
    [["find", ".", "-exec", "rm", "{}", ";"], false],
    [["find", ".", "-fprint", "/etc/x"], false],
    [["base64", "file"], true],
    [["base64", "-o", "out"], false],
    [["base64", "--output=out"], false],
    [["base64", "-oout"], false],
    [["sed", "-n", "1,5p", "f"], true],
    [["sed", "-n", "10p"], true],
    [["sed", "-n", "xp", "f"], false],
    [["sed", "-i", "s/a/b/", "f"], false],
    [["git", "status"], false],
    [["cargo", "check"], false],
    [["bash", "-lc", "ls && pwd"], true],
    [["zsh", "-lc", "ls"], true],
    [["bash", "-lc", "ls > out.txt"], false],
    [["bash", "-lc", "ls && rm -rf /"], false],
    [["bash", "-lc", "'git status'"], false],
    [["bash", "-lc", "git", "status"], false],
  ])("%j → %s", (argv, safe) => {
    expect(isKnownSafeCommand(argv)).toBe(safe);
  });

  it("numfmt/tac are safe only on Linux", () => {
    expect(isKnownSafeCommand(["tac", "f"])).toBe(process.platform === "linux");
  });

  it.each([
    [["rm", "-rf", "/"], true],
    [["rm", "-r", "-f", "x"], true],
    [["rm", "--force", "x"], true],
    [["sudo", "rm", "-fr", "x"], true],
    [["bash", "-lc", "ls && rm -f x"], true],
    [["rm", "-r", "x"], false],
    [["rm", "--", "-f"], false],
    [["ls"], false],
  ])("dangerous %j → %s", (argv, dangerous) => {
    expect(commandMightBeDangerous(argv)).toBe(dangerous);
  });
});
