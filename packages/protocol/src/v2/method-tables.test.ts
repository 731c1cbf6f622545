/**
 * Keeps our method tables in step with the official Codex 0.169 schema this package ships: no
 * method the official schema lacks, and the official methods still without a zod schema here are
 * exactly the ones listed below. Giving one a schema means deleting it from its list (the test
 * fails until then), so the lists only shrink and always say what is left.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { officialSchemaDir } from "./official-schema.js";
import { clientRequestMethods, serverNotificationMethods, serverRequestMethods } from "./protocol.js";

function officialMethods(file: string): string[] {
  const union = JSON.parse(readFileSync(join(officialSchemaDir(), file), "utf8")) as {
    oneOf: { properties: { method: { enum: string[] } } }[];
  };
  return union.oneOf.map((variant) => variant.properties.method.enum[0] as string);
}

/** Official methods still without a zod schema here: none since the generated tables (./generated). */
const WITHOUT_ZOD: Record<"ClientRequest" | "ServerRequest" | "ServerNotification", readonly string[]> = {
  ClientRequest: [],
  ServerRequest: [],
  ServerNotification: [],
};

describe("method tables against the official 0.169 schema", () => {
  const cases = [
    ["ClientRequest", clientRequestMethods],
    ["ServerRequest", serverRequestMethods],
    ["ServerNotification", serverNotificationMethods],
  ] as const;
  it("knows all 86 notification methods and the 109 client requests", () => {
    expect(Object.keys(serverNotificationMethods)).toHaveLength(86);
    expect(Object.keys(clientRequestMethods)).toHaveLength(109);
  });
  for (const [union, table] of cases) {
    it(`${union}: nothing invented, and exactly the listed methods still lack a zod schema`, () => {
      const official = officialMethods(`${union}.json`);
      const ours = Object.keys(table);
      expect(ours.filter((method) => !official.includes(method))).toEqual([]);
      expect(official.filter((method) => !ours.includes(method))).toEqual([...WITHOUT_ZOD[union]]);
    });
  }
});
