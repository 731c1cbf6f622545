import { describe, expect, it } from "vitest";
import { DEFAULT_OUTPUT_BYTES, bytesForTokens, truncateMiddle, truncateOutput } from "./truncate.js";

describe("truncateMiddle", () => {
  it("leaves short text untouched", () => {
    const r = truncateMiddle("hello\nworld\n");
    expect(r).toEqual({ text: "hello\nworld\n", truncated: false, originalBytes: 12, originalLines: 2 });
  });

  it("keeps head and tail of long text and states the original size", () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i}`);
    const text = `${lines.join("\n")}\n`;
    const r = truncateMiddle(text);
    expect(r.truncated).toBe(true);
    expect(r.originalBytes).toBe(Buffer.byteLength(text));
    expect(r.originalLines).toBe(5000);
    expect(r.text.startsWith("line 0\nline 1\n")).toBe(true);
    expect(r.text.endsWith("line 4999\n")).toBe(true);
    expect(r.text).toContain("5000 lines");
    expect(r.text).toContain(`${(Buffer.byteLength(text) / 1024).toFixed(1)} KB`);
    expect(r.text).not.toContain("line 2500\n");
    // Kept content is within budget; only the marker line is extra.
    const marker = r.text.split("\n").find((l) => l.startsWith("[... output truncated"));
    expect(marker).toBeDefined();
    expect(Buffer.byteLength(r.text) - Buffer.byteLength(marker ?? "") - 2).toBeLessThanOrEqual(
      DEFAULT_OUTPUT_BYTES,
    );
  });

  it("never splits a multi-byte character", () => {
    const text = "é".repeat(3000) + "ü".repeat(3000); // 2 bytes each
    const r = truncateMiddle(text, { maxBytes: 1001 });
    expect(r.truncated).toBe(true);
    expect(r.text).not.toContain("\uFFFD");
    expect(r.text.startsWith("é")).toBe(true);
    expect(r.text.endsWith("ü")).toBe(true);
  });

  it("honours small budgets and token conversions", () => {
    expect(truncateOutput("abcdefghij", 4)).toMatch(/^ab\n\[\.\.\. output truncated: original was 10 bytes .*\]\nij$/);
    expect(bytesForTokens(100)).toBe(400);
    expect(bytesForTokens(undefined)).toBe(DEFAULT_OUTPUT_BYTES);
    expect(bytesForTokens(-3)).toBe(DEFAULT_OUTPUT_BYTES);
  });
});
