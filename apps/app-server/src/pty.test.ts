import { describe, expect, it } from "vitest";
import { loadPty } from "./pty.js";

describe("loadPty", () => {
  it("loads node-pty (an optional dependency of this package)", async () => {
    const loaded = await loadPty();
    expect(loaded.ok).toBe(true);
  });

  it("reports a module that cannot be loaded as a value, not a throw", async () => {
    const loaded = await loadPty("/nonexistent/codex-ts-no-such-pty.js");
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.error).toMatch(/Cannot find|ERR_MODULE_NOT_FOUND|no-such-pty/);
  });

  it("refuses a module without a spawn function", async () => {
    const loaded = await loadPty("node:path");
    expect(loaded).toEqual({ ok: false, error: "node:path has no spawn function" });
  });
});
