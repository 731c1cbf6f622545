import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { authFilePath, removeStoredAuth, writeStoredApiKey } from "./auth.js";
import { readStoredApiKey } from "./provider.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "core-auth-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("auth.json", () => {
  it("is written as codex login --with-api-key writes it, read back, and removed", () => {
    const home = path.join(dir, "new-home");
    const umask = process.umask(0o022);
    try {
      writeStoredApiKey(home, "sk-test-1234567890abcdef");
    } finally {
      process.umask(umask);
    }
    // Byte for byte what real Codex 0.169 writes (pretty JSON, no trailing newline), mode 0600.
    expect(readFileSync(authFilePath(home), "utf8")).toBe('{\n  "auth_mode": "apikey",\n  "OPENAI_API_KEY": "sk-test-1234567890abcdef"\n}');
    expect(statSync(authFilePath(home)).mode & 0o777).toBe(0o600);
    expect(readStoredApiKey(home)).toBe("sk-test-1234567890abcdef");
    writeStoredApiKey(home, "sk-second");
    expect(readStoredApiKey(home)).toBe("sk-second");
    expect(removeStoredAuth(home)).toBe(true);
    expect(removeStoredAuth(home)).toBe(false);
    expect(readStoredApiKey(home)).toBeUndefined();
  });
});
