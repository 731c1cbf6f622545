import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ResponseItem, ResponsesApiWebSearchAction } from "../responses.js";
import { loadOfficialSchema } from "../v2/codegen/inputs.js";
import { ThreadItem, WebSearchAction } from "../v2/thread.js";
import { BUNDLE_FILE, buildJsonSchemaBundle, generateJsonSchemaBundle } from "./bundle.js";
import { collectDefinitions } from "./collect.js";
import { generateTsBindings, renderTsBindings } from "./typescript.js";

const temps: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "codex-ts-protocol-gen-"));
  temps.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});

/** Every `key?: T | null` property signature in a TypeScript source, as `file: key`. */
function optionalNullable(fileName: string, source: string): string[] {
  const found: string[] = [];
  const sourceFile = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  const visit = (node: ts.Node): void => {
    if (ts.isPropertySignature(node) && node.questionToken && node.type && ts.isUnionTypeNode(node.type)) {
      const hasNull = node.type.types.some(
        (member) => ts.isLiteralTypeNode(member) && member.literal.kind === ts.SyntaxKind.NullKeyword,
      );
      if (hasNull) found.push(`${fileName}: ${node.name.getText(sourceFile)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

describe("JSON Schema bundle", () => {
  it("names every v2 shape and the message unions", () => {
    const built = buildJsonSchemaBundle();
    if (!built.ok) throw new Error(built.error);
    const names = Object.keys(built.value.definitions);
    for (const name of [
      "ClientRequest",
      "ServerRequest",
      "ServerNotification",
      "ClientNotification",
      "Thread",
      "Turn",
      "ThreadItem",
      "WebSearchAction",
      "ThreadStartResponse",
      "CommandExecutionRequestApprovalResponse",
      "RequestId",
      "JSONRPCMessage",
    ]) {
      expect(names, name).toContain(name);
    }
    const thread = built.value.definitions.Thread as { required: string[] };
    expect(thread.required).toContain("name");
  });

  it("writes the bundle and top-level files", async () => {
    const dir = await tempDir();
    const result = await generateJsonSchemaBundle(dir);
    if (!result.ok) throw new Error(result.error);
    expect(result.value).toContain(BUNDLE_FILE);
    expect(result.value).toContain("ServerNotification.json");
    const bundle = JSON.parse(await readFile(join(dir, BUNDLE_FILE), "utf8")) as { definitions: object };
    expect(Object.keys(bundle.definitions).length).toBeGreaterThan(100);
  });

  it("fails naming both paths when two different schemas share a definition name", () => {
    const impostor = ResponsesApiWebSearchAction.meta({ id: "WebSearchAction" });
    const result = collectDefinitions({
      ThreadItem,
      ResponseItem: z.object({ type: z.literal("web_search_call"), action: impostor }),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain('"WebSearchAction"');
    expect(result.error).toContain("ThreadItem{type=webSearch}.action");
    expect(result.error).toContain("ResponseItem.action");

    const bundle = buildJsonSchemaBundle({ WebSearchAction, Other: z.object({ a: impostor }) });
    expect(bundle.ok).toBe(false);
  });

  it("does not collide with the Responses API items", () => {
    const result = collectDefinitions({
      ThreadItem,
      ResponseItem,
      WebSearchAction,
      ResponsesApiWebSearchAction,
    });
    if (!result.ok) throw new Error(result.error);
  });
});

/**
 * `Definition.ts: key` for every property the official 0.169 schema itself leaves optional but
 * nullable (its bindings write `key?: T | null`: Codex gives `null` a meaning there, e.g. "set to
 * `null` to clear it"). Properties of inline objects count for their definition.
 */
function officialOptionalNullable(): Set<string> {
  const allowed = new Set<string>();
  const nullable = (schema: Record<string, unknown>) =>
    (Array.isArray(schema.type) && schema.type.includes("null")) ||
    (Array.isArray(schema.anyOf) && schema.anyOf.some((o) => (o as { type?: unknown }).type === "null"));
  const walk = (name: string, schema: unknown): void => {
    if (typeof schema !== "object" || schema === null) return;
    const node = schema as Record<string, unknown>;
    const required = new Set((node.required ?? []) as string[]);
    for (const [key, property] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      const text = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
      if (!required.has(key) && nullable(property)) allowed.add(`${name}.ts: ${text}`);
      walk(name, property);
    }
    for (const keyword of ["oneOf", "anyOf", "allOf"])
      for (const option of (node[keyword] ?? []) as unknown[]) walk(name, option);
  };
  for (const [name, definition] of Object.entries(loadOfficialSchema().definitions)) walk(name, definition);
  return allowed;
}

describe("TypeScript bindings", () => {
  it("emit `?: T | null` only where the official schema does, and type-check", async () => {
    const dir = await tempDir();
    const result = await generateTsBindings(dir);
    if (!result.ok) throw new Error(result.error);
    const files = (await readdir(dir)).filter((file) => file.endsWith(".ts"));
    expect(files).toContain("ThreadItem.ts");
    expect(files).toContain("index.ts");
    const offenders: string[] = [];
    for (const file of files)
      offenders.push(...optionalNullable(file, await readFile(join(dir, file), "utf8")));
    const allowed = officialOptionalNullable();
    expect(offenders.filter((offender) => !allowed.has(offender))).toEqual([]);

    const program = ts.createProgram(
      files.map((file) => join(dir, file)),
      {
        strict: true,
        noEmit: true,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        skipLibCheck: true,
      },
    );
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diagnostics).toEqual([]);
  }, 120_000);

  it("the checker catches an optional nullable property", () => {
    const files = renderTsBindings({
      $schema: "",
      title: "t",
      type: "object",
      definitions: { Bad: { type: "object", properties: { a: { type: ["string", "null"] } } } },
    });
    expect(optionalNullable("Bad.ts", files["Bad.ts"] ?? "")).toEqual(["Bad.ts: a"]);
  });

  it("renders a readable type", () => {
    const built = buildJsonSchemaBundle();
    if (!built.ok) throw new Error(built.error);
    const files = renderTsBindings(built.value);
    expect(files["TurnStatus.ts"]).toContain(
      'export type TurnStatus = "completed" | "interrupted" | "failed" | "inProgress";',
    );
    expect(files["Thread.ts"]).toContain("name: string | null;");
    expect(files["ThreadStartParams.ts"]).toContain("model?: string;");
  });
});
