/**
 * The generated zod (src/v2/generated) must be exactly what the generator makes from the shipped
 * official schema and today's hand-written modules. `UPDATE_GENERATED_ZOD=1` rewrites it instead
 * (that is what `pnpm --filter @codex-ts/protocol generate:zod` runs).
 */
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as z from "zod";
import { describe, expect, it } from "vitest";
import { Int, JsonValue, UInt, nul, opt } from "../common.js";
import { type EmitContext, type JsonSchema, emit } from "./emit.js";
import { generateZodSources, MAX_GENERATED_FILE_LINES } from "./generate.js";
import { generatorInput, loadOfficialSchema } from "./inputs.js";

const GENERATED_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "generated");

describe("generated zod from the official schema", () => {
  const files = generateZodSources(generatorInput());

  for (const [file, source] of Object.entries(files)) {
    it(`src/v2/generated/${file} is current`, () => {
      const path = join(GENERATED_DIR, file);
      if (process.env.UPDATE_GENERATED_ZOD === "1") writeFileSync(path, source);
      const committed = readFileSync(path, "utf8");
      // Not toEqual on 3,000 lines: say what to do.
      if (committed !== source) {
        expect.fail(`${file} is stale: run \`pnpm --filter @codex-ts/protocol generate:zod\` and commit the result`);
      }
    });
  }

  it("src/v2/generated holds exactly the generated files", () => {
    if (process.env.UPDATE_GENERATED_ZOD === "1") {
      for (const file of readdirSync(GENERATED_DIR)) if (!(file in files)) rmSync(join(GENERATED_DIR, file));
    }
    expect(readdirSync(GENERATED_DIR).sort()).toEqual(Object.keys(files).sort());
  });

  it("imports a definition a hand-written module exports instead of generating it again", () => {
    const threads = files["threads.ts"] as string;
    expect(threads).toMatch(/import \{[^}]*\bThread\b[^}]*\} from "\.\.\/thread\.js";/);
    expect(Object.values(files).join("\n")).not.toMatch(/export const Thread = /);
    expect(threads).toMatch(/export const ThreadDeleteParams = named\("ThreadDeleteParams"/);
  });

  it("splits by method family; the files import each other without a cycle", () => {
    expect(files["realtime.ts"]).toMatch(/export const ThreadRealtimeStartedNotification = /);
    const imports = new Map(
      Object.entries(files).map(([file, source]) => [
        file,
        [...source.matchAll(/from "\.\/([a-z-]+)\.js"/g)].map((match) => `${match[1]}.ts`),
      ]),
    );
    const done = new Set<string>();
    const visit = (file: string, stack: string[]): void => {
      if (stack.includes(file)) expect.fail(`import cycle: ${[...stack, file].join(" → ")}`);
      if (done.has(file)) return;
      for (const next of imports.get(file) ?? []) visit(next, [...stack, file]);
      done.add(file);
    };
    for (const file of imports.keys()) visit(file, []);
    expect(done.size).toBe(Object.keys(files).length);
  });

  it("keeps every generated file under the line limit, and fails naming a file that outgrows it", () => {
    for (const [file, source] of Object.entries(files)) {
      expect(source.split("\n").length, file).toBeLessThanOrEqual(MAX_GENERATED_FILE_LINES);
    }
    expect(files["plugin-shares.ts"]).toMatch(/export const PluginShareSaveParams = /);
    expect(files["turns.ts"]).toMatch(/export const ThreadTurnsListParams = /);
    expect(() => generateZodSources({ ...generatorInput(), maxFileLines: 300 })).toThrow(
      /generated (models|plugins|account|misc)\.ts would have \d+ lines \(limit 300\): split its family in FAMILIES/,
    );
  });

  it("fails on a reference the official schema lacks, naming both ends", () => {
    const official = loadOfficialSchema();
    const input = generatorInput(official);
    const broken = {
      ...input,
      official: {
        ...official,
        definitions: { ...official.definitions, ThreadDeleteParams: { $ref: "#/definitions/NoSuchThing" } },
      },
    };
    expect(() => generateZodSources(broken)).toThrow(/ThreadDeleteParams refers to "NoSuchThing"/);
  });
});

/** Compiles emitted source against the same helpers the generated module imports. */
function compile(schema: JsonSchema, definitions: Record<string, JsonSchema> = {}): z.ZodType {
  const refs: Record<string, z.ZodType> = {};
  const ctx: EmitContext = {
    ref(name) {
      refs[name] ??= compile(definitions[name] as JsonSchema, definitions);
      return `refs[${JSON.stringify(name)}]`;
    },
    resolve: (name) => definitions[name],
  };
  const source = emit(schema, ctx);
  const build = new Function("z", "Int", "UInt", "JsonValue", "nul", "opt", "refs", `return ${source};`);
  return build(z, Int, UInt, JsonValue, nul, opt, refs) as z.ZodType;
}

describe("emit", () => {
  const object: JsonSchema = {
    type: "object",
    properties: {
      id: { type: "string" },
      note: { type: ["string", "null"] },
      clear: { type: ["string", "null"] },
      limit: { type: "integer", format: "uint32", minimum: 0 },
    },
    required: ["id", "note"],
  };

  it("follows the wire rules: required nullable → null when missing, optional nullable keeps null", () => {
    const schema = compile(object);
    expect(schema.parse({ id: "a" })).toEqual({ id: "a", note: null });
    expect(schema.parse({ id: "a", note: "n", clear: null, limit: 3 })).toEqual({
      id: "a",
      note: "n",
      clear: null,
      limit: 3,
    });
    expect(schema.safeParse({ note: null }).success).toBe(false);
    expect(schema.safeParse({ id: "a", limit: -1 }).success).toBe(false);
    expect(schema.safeParse({ id: "a", limit: 1.5 }).success).toBe(false);
  });

  it("reads a tagged oneOf as a discriminated union and string-enum options as one enum", () => {
    const definitions: Record<string, JsonSchema> = {
      Local: {
        type: "object",
        properties: { type: { type: "string", enum: ["local"] }, path: { type: "string" } },
        required: ["type", "path"],
      },
    };
    const union = compile(
      {
        oneOf: [
          { $ref: "#/definitions/Local" },
          { type: "object", properties: { type: { type: "string", enum: ["git"] }, url: { type: "string" } }, required: ["type", "url"] },
        ],
      },
      definitions,
    );
    expect(union.parse({ type: "git", url: "u" })).toEqual({ type: "git", url: "u" });
    expect(union.safeParse({ type: "local" }).success).toBe(false);
    expect(union.safeParse({ type: "svn", url: "u" }).success).toBe(false);
    const modes = compile({ oneOf: [{ type: "string", enum: ["a"] }, { type: "string", enum: ["b", "c"] }] });
    expect(modes.parse("c")).toBe("c");
    expect(modes.safeParse("d").success).toBe(false);
  });

  it("maps additionalProperties to a record and refuses keywords it does not know", () => {
    const map = compile({ type: "object", additionalProperties: { type: "integer" } });
    expect(map.parse({ a: 1 })).toEqual({ a: 1 });
    expect(map.safeParse({ a: "1" }).success).toBe(false);
    expect(() => compile({ type: "string", pattern: "^a" })).toThrow(/unsupported JSON Schema keyword "pattern"/);
  });
});
