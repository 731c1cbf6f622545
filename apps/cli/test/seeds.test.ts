/**
 * Seed behaviours driven through the CLI (issue 28).
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Ajv } from "ajv";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runInProcess } from "./helpers.js";

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(path.join(tmpdir(), "cli-seeds-")));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function readSchema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Record<string, unknown>;
}

describe("app-server generate-json-schema", () => {
  it("also writes InitializeParams.json and InitializeResponse.json, each with only what it references", async () => {
    const r = await runInProcess(["app-server", "generate-json-schema", "--out", dir]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const params = readSchema("InitializeParams.json");
    const response = readSchema("InitializeResponse.json");
    expect(params.title).toBe("InitializeParams");
    expect(response.title).toBe("InitializeResponse");
    const paramDefs = Object.keys(params.definitions as object);
    expect(paramDefs).toContain("ClientInfo");
    expect(paramDefs).not.toContain("ThreadStartParams");
    const ajv = new Ajv({ strict: false });
    const validParams = ajv.compile(params);
    expect(
      validParams({ clientInfo: { name: "t", version: "1" }, capabilities: { experimentalApi: true } }),
    ).toBe(true);
    expect(validParams({ capabilities: {} })).toBe(false);
    const validResponse = new Ajv({ strict: false }).compile(response);
    expect(validResponse({})).toBe(false);
    const request = readSchema("ClientRequest.json");
    expect(Object.keys(request.definitions as object)).toContain("InitializeParams");
  });
});
