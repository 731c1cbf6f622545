import { readFileSync } from "node:fs";
import path from "node:path";
import { v2 } from "@codex-ts/protocol";
import { describe, expect, it } from "vitest";
import { EXPERIMENTAL_FIELDS, ThreadForkParams, ThreadResumeParams, ThreadStartParams, TurnStartParams } from "./wire.js";

const schemaDir = v2.officialSchemaDir();
const bundle = JSON.parse(readFileSync(path.join(schemaDir, "codex_app_server_protocol.v2.schemas.json"), "utf8")) as {
  definitions: Record<string, { properties?: Record<string, unknown> }>;
};

const SCHEMAS = {
  "thread/start": [ThreadStartParams, "ThreadStartParams"],
  "thread/resume": [ThreadResumeParams, "ThreadResumeParams"],
  "thread/fork": [ThreadForkParams, "ThreadForkParams"],
  "turn/start": [TurnStartParams, "TurnStartParams"],
} as const;

describe("experimental fields", () => {
  for (const [method, [schema, official]] of Object.entries(SCHEMAS)) {
    it(`${method}: exactly the fields missing from the stable schema are gated`, () => {
      const stable = new Set(Object.keys(bundle.definitions[official]?.properties ?? {}));
      const ours = Object.keys(schema.shape);
      const extra = ours.filter((field) => !stable.has(field)).sort();
      expect(extra).toEqual([...(EXPERIMENTAL_FIELDS[method] ?? [])].sort());
    });
  }
});
