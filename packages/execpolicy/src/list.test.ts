import { describe, expect, it } from "vitest";
import { MAX_RENDERED_PREFIXES, Policy, TRUNCATED_MARKER, formatAllowPrefixes } from "./index.js";

describe("formatAllowPrefixes", () => {
  it("orders by token count, then total length, then alphabetically", () => {
    const out = formatAllowPrefixes([["b", "zz"], ["aa"], ["b"], ["a", "b", "c"], ["a"], ["b", "a"]]);
    expect(out).toEqual({
      text: '- ["a"]\n- ["b"]\n- ["aa"]\n- ["b", "a"]\n- ["b", "zz"]\n- ["a", "b", "c"]',
      shown: 6,
      omitted: 0,
    });
  });

  it("caps the number of prefixes and counts the rest", () => {
    const prefixes = Array.from({ length: MAX_RENDERED_PREFIXES + 5 }, (_, i) => [
      String(i).padStart(3, "0"),
    ]);
    const out = formatAllowPrefixes(prefixes);
    expect(out?.text.endsWith(TRUNCATED_MARKER)).toBe(true);
    expect(out?.text.split("\n")).toHaveLength(MAX_RENDERED_PREFIXES + 1);
    expect(out?.shown).toBe(MAX_RENDERED_PREFIXES);
    expect(out?.omitted).toBe(5);
  });

  it("can say how many were left out", () => {
    const prefixes = Array.from({ length: MAX_RENDERED_PREFIXES + 5 }, (_, i) => [`p${i}`]);
    const out = formatAllowPrefixes(prefixes, { countOmitted: true });
    expect(out?.text.endsWith("...\n[5 more command prefixes were not listed]")).toBe(true);
  });

  it("caps the text length", () => {
    let policy = Policy.empty();
    for (let i = 0; i < 200; i++) policy = policy.withPrefixRule([`tool-${i}`, "x".repeat(500)], "allow");
    const out = formatAllowPrefixes(policy.allowPrefixes());
    expect(out).toBeDefined();
    if (!out) return;
    expect(out.text.length).toBeLessThanOrEqual(5000 + TRUNCATED_MARKER.length);
    expect(out.shown).toBe(9);
    expect(out.omitted).toBe(191);
  });

  it("nothing to list", () => {
    expect(formatAllowPrefixes([])).toBeUndefined();
  });
});
