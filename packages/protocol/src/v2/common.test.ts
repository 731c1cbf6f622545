import * as z from "zod";
import { describe, expect, it } from "vitest";
import * as top from "../index.js";
import { JsonValue, named } from "./common.js";

describe("named", () => {
  it("registers the schema itself, once, under one name", () => {
    const schema = z.object({ a: z.string() });
    expect(named("CommonTestShape", schema)).toBe(schema);
    expect(z.globalRegistry.get(schema)).toEqual({ id: "CommonTestShape" });
    expect(() => named("CommonTestOther", schema)).toThrow(/"CommonTestShape" cannot also be named "CommonTestOther"/);
    expect(z.globalRegistry.get(JsonValue)).toBeUndefined();
  });

  // named() registers the instance it is given, so naming a shared helper (`JsonValue`, `Int`, another
  // named schema) would rename it everywhere: every exported schema carries its own name or none.
  it("no exported schema carries another export's name", () => {
    const aliases: Record<string, string> = { GoalStatus: "ThreadGoalStatus" };
    const wrong: string[] = [];
    for (const [space, exports] of [
      ["", top],
      ["v2.", top.v2],
    ] as const) {
      for (const [name, value] of Object.entries(exports as Record<string, unknown>)) {
        if (!(value instanceof z.ZodType)) continue;
        const id = (z.globalRegistry.get(value) as { id?: string } | undefined)?.id;
        if (id !== undefined && id !== name && aliases[name] !== id) wrong.push(`${space}${name} is named ${id}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
