import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);

/** The ajv / ajv-formats modules this process has loaded (ESM imports of CommonJS land here too). */
function loadedAjvModules(): string[] {
  return Object.keys(require.cache).filter((file) => /[\\/]ajv(-formats)?[\\/]/.test(file));
}

describe("official schema validator loading", () => {
  it("importing @codex-ts/protocol does not load ajv; creating a validator does", async () => {
    expect(loadedAjvModules()).toEqual([]);
    const protocol = await import("../index.js");
    expect(loadedAjvModules()).toEqual([]);

    const validator = protocol.v2.createOfficialSchemaValidator();
    expect(loadedAjvModules().length).toBeGreaterThan(0);
    expect(validator.definitions.has("Thread")).toBe(true);
    expect(validator.validateDefinition("Thread", { id: 1 }).valid).toBe(false);
  });
});
