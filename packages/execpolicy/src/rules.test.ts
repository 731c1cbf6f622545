import { describe, expect, it } from "vitest";
import { type Policy, formatRulesError, parseRulesFile, policyFromSources } from "./index.js";

function errorOf(source: string) {
  const res = parseRulesFile("t.rules", source);
  if (res.ok) throw new Error("expected a parse error");
  return formatRulesError(res.error);
}

function policyOf(source: string): Policy {
  const res = policyFromSources([{ file: "t.rules", contents: source }]);
  if (!res.ok) throw new Error(formatRulesError(res.error));
  return res.policy;
}

describe("syntax errors name file:line:col and what was expected", () => {
  it.each([
    [
      'prefix_rule(pattern=["a"], decision="allow"\n',
      "t.rules:1:44: expected ')' to close the call to prefix_rule(...), found end of file",
    ],
    [
      'prefix_rule(pattern=["a"]\n\nprefix_rule(pattern=["b"])',
      "t.rules:3:1: expected ')' to close the call to prefix_rule(...), found 'prefix_rule'",
    ],
    [
      'prefix_rule(pattern=["a", "b"]',
      "t.rules:1:31: expected ')' to close the call to prefix_rule(...), found end of file",
    ],
    ['prefix_rule(pattern=["a" "b"])', "t.rules:1:26: expected ']' to close the list, found a string"],
    [
      'prefix_rule(pattern=["a"]) prefix_rule(pattern=["b"])',
      "t.rules:1:28: expected end of statement (newline or ';'), found 'prefix_rule'",
    ],
    [
      '\n  prefix_rule(pattern=["a\n"])',
      "t.rules:2:24: unterminated string literal (newline before closing quote)",
    ],
    ['prefix_rule(pattern=["\\xZZ"])', "t.rules:1:23: invalid escape sequence \\x: expected 2 hex digits"],
    ["prefix_rule(pattern=[@])", 't.rules:1:22: unexpected character "@"'],
    ["prefix_rule", "t.rules:1:12: expected '(' or '=' after 'prefix_rule', found end of file"],
    ["42", "t.rules:1:1: expected a statement such as prefix_rule(...), found number 42"],
    ["prefix_rule(pattern=)", "t.rules:1:21: expected a value (string, list, or name), found ')'"],
  ])("%j", (source, message) => {
    expect(errorOf(source)).toBe(message);
  });

  it("bounds nesting depth instead of overflowing the stack", () => {
    expect(errorOf(`x = ${"[".repeat(10_000)}`)).toMatch(
      /^t\.rules:1:\d+: expression nested more than 64 levels deep$/,
    );
  });
});

describe("evaluation errors point at the offending argument", () => {
  it.each([
    [
      'prefix_rule(pattern=["a"], decision="maybe")',
      "t.rules:1:28: invalid decision: maybe (expected allow, prompt, or forbidden)",
    ],
    [
      'prefix_rule(pattern=["a"],\n  foo="x")',
      "t.rules:2:3: unexpected parameter 'foo' for prefix_rule() (expected one of pattern, decision, match, not_match, justification)",
    ],
    ["prefix_rule(pattern=[])", "t.rules:1:13: pattern cannot be empty"],
    ['prefix_rule(pattern=["a", []])', "t.rules:1:13: pattern alternatives cannot be empty"],
    [
      'prefix_rule(pattern=["a", 1])',
      "t.rules:1:13: pattern element must be a string or list of strings (got int)",
    ],
    [
      'prefix_rule(pattern="a")',
      "t.rules:1:13: parameter 'pattern' of prefix_rule() must be a list, got string",
    ],
    ['prefix_rule(decision="allow")', "t.rules:1:1: missing parameter 'pattern' for call to prefix_rule()"],
    [
      'prefix_rule(pattern=["a"], decision=None)',
      "t.rules:1:28: parameter 'decision' of prefix_rule() must be a string, got NoneType",
    ],
    ['prefix_rule(pattern=["a"], justification=" ")', "t.rules:1:28: justification cannot be empty"],
    [
      'prefix_rule(pattern=["a"], pattern=["b"])',
      "t.rules:1:28: parameter 'pattern' given more than once to prefix_rule()",
    ],
    ['prefix_rule(pattern=["a"], "allow")', "t.rules:1:28: positional argument follows keyword argument"],
    [
      'frob(x="y")',
      "t.rules:1:1: unknown function 'frob' (expected one of prefix_rule, network_rule, host_executable)",
    ],
    ["prefix_rule(pattern=[X])", "t.rules:1:22: variable 'X' not found"],
    [
      'network_rule(host="*.example.com", protocol="https", decision="allow")',
      "t.rules:1:14: network_rule host must be a specific host; wildcards are not allowed",
    ],
    [
      'network_rule(host="https://a.com", protocol="https", decision="allow")',
      "t.rules:1:14: network_rule host must be a hostname or IP literal (without scheme or path)",
    ],
    [
      'network_rule(host="a.com", protocol="ftp", decision="allow")',
      "t.rules:1:28: network_rule protocol must be one of http, https, socks5_tcp, socks5_udp (got ftp)",
    ],
    [
      'network_rule(host="a.com", protocol="https", decision="ask")',
      "t.rules:1:46: invalid decision: ask (expected allow, deny, prompt, or forbidden)",
    ],
    [
      'prefix_rule(pattern=["a"], match=[[]])',
      "t.rules:1:28: invalid example in match: example cannot be an empty list",
    ],
    [
      'prefix_rule(pattern=["a"], match=["a \\"x"])',
      "t.rules:1:28: invalid example in match: example string has invalid shell syntax",
    ],
    [
      'host_executable(name="git", paths=["git"])',
      "t.rules:1:29: host_executable paths must be absolute or use `~/...` home-relative syntax (got git)",
    ],
    [
      'host_executable(name="git", paths=["/usr/bin/gitx"])',
      "t.rules:1:29: host_executable path `/usr/bin/gitx` must have basename `git`",
    ],
  ])("%j", (source, message) => {
    expect(errorOf(source)).toBe(message);
  });
});

describe("match / not_match examples are validated at load time", () => {
  it("a match example that fails names the rule and the example", () => {
    const res = policyFromSources([
      {
        file: "a.rules",
        contents:
          'prefix_rule(pattern=["ls"])\n\nprefix_rule(\n  pattern=["git", ["status", "log"]],\n  match=[["git", "diff"], "git status"],\n)\n',
      },
    ]);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.line).toBe(3);
    expect(res.error.rule).toBe('prefix_rule(pattern=["git", ["status", "log"]], decision="allow")');
    expect(formatRulesError(res.error)).toBe(
      'a.rules:3:1: match example `git diff` does not match rule prefix_rule(pattern=["git", ["status", "log"]], decision="allow")',
    );
  });

  it("a not_match example that matches fails the load", () => {
    const res = policyFromSources([
      {
        file: "b.rules",
        contents: 'prefix_rule(pattern=["rm"], decision="forbidden", not_match=["rm -rf /"])',
      },
    ]);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(formatRulesError(res.error)).toBe(
        'b.rules:1:1: not_match example `rm -rf /` matches its own rule prefix_rule(pattern=["rm"], decision="forbidden")',
      );
    }
  });

  it("examples are checked against the rule itself, not other rules", () => {
    const res = policyFromSources([
      {
        file: "c.rules",
        contents: 'prefix_rule(pattern=["git"])\nprefix_rule(pattern=["git", "push"], match=["git status"])',
      },
    ]);
    expect(res.ok).toBe(false);
  });

  it("examples pass: strings are shell-split, first-token alternatives expand", () => {
    const p = policyOf(
      'prefix_rule(pattern=[["npm", "pnpm"], "test"], match=["npm test --watch", ["pnpm", "test"]], not_match=["yarn test", "npm \\"test x\\""])',
    );
    expect(p.prefixRules.map((r) => r.program)).toEqual(["npm", "pnpm"]);
  });

  it("the load fails on the first failing file and later files are not merged", () => {
    const res = policyFromSources([
      { file: "ok.rules", contents: 'prefix_rule(pattern=["ls"])' },
      { file: "bad.rules", contents: 'prefix_rule(pattern=["x"], match=["y"])' },
    ]);
    expect(res.ok ? "" : res.error.file).toBe("bad.rules");
  });
});

describe("language subset", () => {
  it("comments, blank lines, trailing commas, multi-line calls, semicolons, variables, positional args", () => {
    const p = policyOf(`
# leading comment
TOOLS = ["status", "log",]   # trailing comma in a list
prefix_rule(
    pattern = [
        "git",
        TOOLS,   # alternatives from a variable
    ],
    decision = "prompt",  # comment inside a call
    justification = "line one \\
continued",
); prefix_rule(["ls"], "allow")
`);
    expect(p.prefixRules).toHaveLength(2);
    expect(p.prefixRules[0]).toMatchObject({
      program: "git",
      rest: [["status", "log"]],
      decision: "prompt",
      justification: "line one continued",
      source: { file: "t.rules", line: 4, column: 1 },
    });
    expect(p.prefixRules[1]).toMatchObject({ program: "ls", decision: "allow" });
  });

  it("string escapes and forms", () => {
    const p = policyOf(
      `prefix_rule(pattern=["a\\tb", 'it\\'s', r"raw\\n", """tri"ple""", "\\x41\\101\\u00e9\\U0001F600", "\\q"])`,
    );
    expect(p.prefixRules[0]?.rest).toEqual(["it's", "raw\\n", 'tri"ple', "AAé😀", "\\q"]);
    expect(p.prefixRules[0]?.program).toBe("a\tb");
  });

  it("network rules are normalised (case, port, trailing dot; deny means forbidden)", () => {
    const p = policyOf(
      'network_rule(host="API.Example.COM.:443", protocol="https_connect", decision="deny", justification="no")\nnetwork_rule(host="[::1]:8080", protocol="http", decision="allow")',
    );
    expect(p.networkRules.map((r) => [r.host, r.protocol, r.decision])).toEqual([
      ["api.example.com", "https", "forbidden"],
      ["::1", "http", "allow"],
    ]);
    expect(p.checkNetwork("api.example.com", "https")).toBe("forbidden");
    expect(p.checkNetwork("API.example.com:443", "https")).toBe("forbidden");
    expect(p.checkNetwork("api.example.com", "http")).toBeUndefined();
  });
});
