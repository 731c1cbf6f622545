import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  appendAllowPrefixRule,
  appendNetworkRule,
  broadHostReason,
  defaultRulesPath,
  loadPolicyFiles,
} from "./index.js";

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "execpolicy-amend-"));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe("allow-prefix amendments", () => {
  it("creates rules/default.rules with Codex's exact line and it loads back", async () => {
    const path = defaultRulesPath(home);
    const res = await appendAllowPrefixRule(path, ["echo", 'Hello, "world"!']);
    expect(res).toEqual({ ok: true, added: true, path });
    expect(await readFile(path, "utf8")).toBe(
      'prefix_rule(pattern=["echo", "Hello, \\"world\\"!"], decision="allow")\n',
    );
    const loaded = await loadPolicyFiles([path]);
    expect(loaded.ok && loaded.policy.checkTokens(["echo", 'Hello, "world"!', "x"]).decision).toBe("allow");
  });

  it("is idempotent: the same prefix twice leaves one line", async () => {
    const path = defaultRulesPath(home);
    await appendAllowPrefixRule(path, ["npm", "test"]);
    const second = await appendAllowPrefixRule(path, ["npm", "test"]);
    expect(second).toEqual({ ok: true, added: false, path });
    expect((await readFile(path, "utf8")).split("\n").filter(Boolean)).toHaveLength(1);
  });

  it("keeps existing content and adds a missing final newline first", async () => {
    const path = defaultRulesPath(home);
    await mkdir(join(home, "rules"));
    await writeFile(path, 'prefix_rule(pattern=["ls"], decision="allow")');
    await appendAllowPrefixRule(path, ["pwd"]);
    expect(await readFile(path, "utf8")).toBe(
      'prefix_rule(pattern=["ls"], decision="allow")\nprefix_rule(pattern=["pwd"], decision="allow")\n',
    );
  });

  it("concurrent appends are serialised: every distinct rule once, no temp files left", async () => {
    const path = defaultRulesPath(home);
    const prefixes = Array.from({ length: 40 }, (_, i) => ["tool", String(i % 20)]);
    const results = await Promise.all(prefixes.map((p) => appendAllowPrefixRule(path, p)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.filter((r) => r.ok && r.added)).toHaveLength(20);
    const lines = (await readFile(path, "utf8")).split("\n").filter(Boolean);
    expect(new Set(lines).size).toBe(20);
    expect(lines).toHaveLength(20);
    expect(await readdir(join(home, "rules"))).toEqual(["default.rules"]);
  });

  it("refuses an empty prefix", async () => {
    const res = await appendAllowPrefixRule(defaultRulesPath(home), []);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.kind).toBe("empty-prefix");
  });

  it("reports I/O failures as values", async () => {
    await writeFile(join(home, "rules"), "not a directory");
    const res = await appendAllowPrefixRule(defaultRulesPath(home), ["ls"]);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.kind).toBe("io");
  });
});

describe("network amendments", () => {
  it("appends a network_rule that loads back", async () => {
    const path = defaultRulesPath(home);
    const res = await appendNetworkRule(path, {
      host: "api.example.com",
      protocol: "https",
      decision: "allow",
      justification: "Allow API calls",
    });
    expect(res.ok).toBe(true);
    expect(await readFile(path, "utf8")).toBe(
      'network_rule(host="api.example.com", protocol="https", decision="allow", justification="Allow API calls")\n',
    );
    await appendNetworkRule(path, {
      host: "api.example.com",
      protocol: "https",
      decision: "allow",
      justification: "Allow API calls",
    });
    await appendNetworkRule(path, { host: "evil.example.com", protocol: "http", decision: "deny" });
    const loaded = await loadPolicyFiles([path]);
    expect(loaded.ok).toBe(true);
    if (loaded.ok) {
      expect(loaded.policy.networkRules).toHaveLength(2);
      expect(loaded.policy.checkNetwork("evil.example.com", "http")).toBe("forbidden");
    }
  });

  it.each(["*", "*.com", "*.example.com", "com", "io", "uk", ".example.com", "  "])(
    "refuses broad host %j and writes nothing",
    async (host) => {
      const path = defaultRulesPath(home);
      const res = await appendNetworkRule(path, { host, protocol: "https", decision: "allow" });
      expect(res.ok).toBe(false);
      if (!res.ok) expect(res.error.kind).toBe("invalid-network-rule");
      await expect(readFile(path, "utf8")).rejects.toThrow();
    },
  );

  it("accepts specific hosts", () => {
    for (const host of ["example.com", "localhost", "127.0.0.1", "::1", "api.github.com"]) {
      expect(broadHostReason(host)).toBeUndefined();
    }
  });

  it("refuses bad protocol / decision", async () => {
    const path = defaultRulesPath(home);
    const badProtocol = await appendNetworkRule(path, {
      host: "a.example.com",
      protocol: "socks5" as "https",
      decision: "allow",
    });
    expect(badProtocol.ok).toBe(false);
    const badDecision = await appendNetworkRule(path, {
      host: "a.example.com",
      protocol: "https",
      decision: "ask" as "allow",
    });
    expect(badDecision.ok).toBe(false);
  });
});
