import { describe, expect, it } from "vitest";
import { z } from "zod";
import { describeZodError } from "../jsonrpc.js";
import * as v2 from "./index.js";

const junk: unknown[] = [
  undefined,
  null,
  0,
  -1.5,
  "x",
  true,
  [],
  [null],
  {},
  { type: "nope" },
  { type: null, method: 3 },
  { kind: "current_working_directory" },
  { method: "turn/start", id: 1, params: null },
  { id: {}, method: "thread/read", params: { threadId: ["t"] } },
  { granular: "yes" },
  Object.create(null),
];

const schemas: Array<[string, z.ZodType]> = [];
for (const [name, value] of Object.entries(v2 as Record<string, unknown>)) {
  if (value instanceof z.ZodType) schemas.push([name, value]);
}

describe("no v2 schema throws on bad input", () => {
  it("covers the exported schemas", () => {
    expect(schemas.length).toBeGreaterThan(150);
  });

  it("every exported schema returns a result (never throws) for junk, with a readable error", () => {
    const problems: string[] = [];
    for (const [name, schema] of schemas) {
      for (const [index, value] of junk.entries()) {
        try {
          const result = schema.safeParse(value);
          if (!result.success && describeZodError(result.error) === "")
            problems.push(`${name} #${index}: empty error`);
        } catch (cause) {
          problems.push(`${name} #${index}: threw ${String(cause)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
