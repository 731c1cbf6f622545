import { describe, expect, it } from "vitest";
import { detectSandboxDenial } from "./prepare.js";

describe("detectSandboxDenial", () => {
  it("flags typical denial output on failure", () => {
    expect(detectSandboxDenial(1, "touch: cannot touch 'x': Read-only file system")).toBe(true);
    expect(detectSandboxDenial(2, "sh: 1: cannot create x: Read-only file system")).toBe(true);
    expect(detectSandboxDenial(1, "cat: .env: Permission denied")).toBe(true);
    expect(detectSandboxDenial(1, "curl: (6) Could not resolve host: example.com")).toBe(true);
    expect(detectSandboxDenial(1, "Operation not permitted")).toBe(true);
    expect(detectSandboxDenial(null, "", "SIGSYS")).toBe(true);
  });

  it("does not flag success, not-found, or unrelated failures", () => {
    expect(detectSandboxDenial(0, "Permission denied")).toBe(false);
    expect(detectSandboxDenial(127, "sh: foo: not found; permission denied")).toBe(false);
    expect(detectSandboxDenial(126, "permission denied")).toBe(false);
    expect(detectSandboxDenial(1, "AssertionError: expected 1 to be 2")).toBe(false);
    expect(detectSandboxDenial(null, "", "SIGTERM")).toBe(false);
  });
});
