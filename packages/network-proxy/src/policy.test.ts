import { describe, expect, it } from "vitest";
import { compileNetworkPolicy, isNonPublicAddress, normalizeHost, type NetworkPolicySpec } from "./policy.js";

function compile(spec: NetworkPolicySpec) {
  const r = compileNetworkPolicy(spec);
  if (!r.ok) throw new Error(r.error.message);
  return r.policy;
}

describe("normalizeHost", () => {
  it.each([
    ["Example.COM", "example.com"],
    ["example.com.", "example.com"],
    ["  example.com..  ", "example.com"],
    ["bücher.example", "xn--bcher-kva.example"],
    ["BÜCHER.example.", "xn--bcher-kva.example"],
    ["127.1", "127.0.0.1"],
    ["0x7f.0.0.1", "127.0.0.1"],
    ["[::1]", "::1"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["[FE80::1%eth0]", "fe80::1%eth0"],
  ])("%s → %s", (raw, want) => {
    expect(normalizeHost(raw)).toBe(want);
  });

  it.each(["", ".", "exa mple.com", "a/b", "[::1", "[zz::1]", "xn--"])("rejects %j", (raw) => {
    expect(normalizeHost(raw)).toBeUndefined();
  });
});

describe("isNonPublicAddress", () => {
  it.each([
    "127.0.0.1",
    "127.9.9.9",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fe80::1%lo",
    "fd12:3456::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:a00:1",
  ])("%s is local/private", (ip) => {
    expect(isNonPublicAddress(ip)).toBe(true);
  });

  it.each(["8.8.8.8", "93.184.216.34", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "example.com"])(
    "%s is not",
    (ip) => {
      expect(isNonPublicAddress(ip)).toBe(false);
    },
  );
});

describe("evaluateHost", () => {
  it("default deny: an empty policy refuses everything", () => {
    const p = compile({});
    expect(p.evaluateHost("example.com")).toMatchObject({ allowed: false, reason: "not_allowed" });
  });

  it("exact, *.suffix (subdomains only) and **.suffix (apex too)", () => {
    const p = compile({ allowedDomains: ["exact.com", "*.sub.com", "**.both.com"] });
    expect(p.evaluateHost("exact.com").allowed).toBe(true);
    expect(p.evaluateHost("www.exact.com").allowed).toBe(false);
    expect(p.evaluateHost("a.sub.com").allowed).toBe(true);
    expect(p.evaluateHost("a.b.sub.com").allowed).toBe(true);
    expect(p.evaluateHost("sub.com").allowed).toBe(false);
    expect(p.evaluateHost("notsub.com").allowed).toBe(false);
    expect(p.evaluateHost("both.com").allowed).toBe(true);
    expect(p.evaluateHost("x.both.com").allowed).toBe(true);
    expect(p.evaluateHost("xboth.com").allowed).toBe(false);
  });

  it("deny wins over allow, including wildcards and the global allow", () => {
    const p = compile({
      allowedDomains: ["*", "**.example.com"],
      deniedDomains: ["*.bad.example.com", "evil.com"],
    });
    expect(p.evaluateHost("ok.example.com").allowed).toBe(true);
    expect(p.evaluateHost("x.bad.example.com")).toMatchObject({ allowed: false, reason: "denied" });
    expect(p.evaluateHost("EVIL.com.")).toMatchObject({ allowed: false, reason: "denied", host: "evil.com" });
    expect(p.evaluateHost("anything.org").allowed).toBe(true);
  });

  it("normalises patterns and hosts the same way (case, trailing dot, IDNA)", () => {
    const p = compile({ allowedDomains: ["Bücher.Example.", "*.MÜNCHEN.test"] });
    expect(p.evaluateHost("xn--bcher-kva.example").allowed).toBe(true);
    expect(p.evaluateHost("BÜCHER.example").allowed).toBe(true);
    expect(p.evaluateHost("www.xn--mnchen-3ya.test.").allowed).toBe(true);
  });

  it("IP literals on local ranges are refused unless named exactly or allowLocal is on", () => {
    const wild = compile({ allowedDomains: ["*"] });
    expect(wild.evaluateHost("127.0.0.1")).toMatchObject({ allowed: false, reason: "not_allowed_local" });
    expect(wild.evaluateHost("[::1]")).toMatchObject({ allowed: false, reason: "not_allowed_local" });
    expect(wild.evaluateHost("169.254.169.254")).toMatchObject({
      allowed: false,
      reason: "not_allowed_local",
    });
    expect(wild.evaluateHost("8.8.8.8").allowed).toBe(true);
    const explicit = compile({ allowedDomains: ["127.0.0.1"] });
    expect(explicit.evaluateHost("127.1")).toMatchObject({ allowed: true, explicitLocal: true });
    const local = compile({ allowedDomains: ["*"], allowLocal: true });
    expect(local.evaluateHost("10.0.0.1").allowed).toBe(true);
  });

  it("names that resolve locally are refused by checkAddress unless allowLocal", () => {
    const p = compile({ allowedDomains: ["internal.example"] });
    const v = p.evaluateHost("internal.example");
    if (!v.allowed) throw new Error("expected allowed");
    expect(p.checkAddress(v, "10.0.0.5")).toBe(false);
    expect(p.checkAddress(v, "::ffff:127.0.0.1")).toBe(false);
    expect(p.checkAddress(v, "93.184.216.34")).toBe(true);
    const local = compile({ allowedDomains: ["internal.example"], allowLocal: true });
    const lv = local.evaluateHost("internal.example");
    if (!lv.allowed) throw new Error("expected allowed");
    expect(local.checkAddress(lv, "10.0.0.5")).toBe(true);
  });

  it("bad specs are error values naming the entry", () => {
    const global = compileNetworkPolicy({ deniedDomains: ["*"] });
    expect(global.ok).toBe(false);
    if (!global.ok) expect(global.error.message).toContain('denied domain "*"');
    const bad = compileNetworkPolicy({ allowedDomains: ["ex ample.com"] });
    expect(!bad.ok && bad.error.message).toContain('allowed domain "ex ample.com"');
    const mid = compileNetworkPolicy({ allowedDomains: ["a*.example.com"] });
    expect(mid.ok).toBe(false);
    const typed = compileNetworkPolicy({ allowedDomains: "example.com" } as unknown as NetworkPolicySpec);
    expect(!typed.ok && typed.error.message).toContain("allowedDomains");
  });
});
