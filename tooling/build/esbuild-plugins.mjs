// esbuild plugin for bundling our packages into one program (the CLI): `codexTsBundle`.
//
// 1. markInitializersPure (protocol's sources): esbuild keeps every top-level `const X = f(...)`
//    it cannot prove free of side effects, and a call never is. @codex-ts/protocol builds several
//    hundred zod schemas at import, and a program that bundles it pays for all of them at start-up
//    although `exec` uses a few dozen. Each top-level `const` initializer that makes a call is
//    wrapped in a pure-annotated IIFE, `const X = /* @__PURE__ */ (() => f(...))()`, which
//    evaluates identically (same value, same order) but may be dropped when X is unused. Valid
//    because protocol's module-level code only defines schemas (no registrations, no I/O).
// 2. importV2Directly (every other package): see below.
//
// esbuild splits chunks per file, not per statement: a file shared by two commands is loaded whole
// by both. So the CLI builds `exec` as its own bundle (tsup.config.ts) for these to pay off.
import { readFile } from "node:fs/promises";
import path from "node:path";
import ts from "typescript";

function hasCall(node) {
  if (ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isTaggedTemplateExpression(node)) return true;
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return false;
  return ts.forEachChild(node, hasCall) ?? false;
}

/** The source with top-level const initializers that call something wrapped in pure IIFEs. */
export function markInitializersPure(source, fileName) {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edits = [];
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    if (!(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const decl of statement.declarationList.declarations) {
      const init = decl.initializer;
      if (!init || !hasCall(init)) continue;
      edits.push([init.getStart(file), "/* @__PURE__ */ (() => ("], [init.getEnd(), "))()"]);
    }
  }
  edits.sort((a, b) => b[0] - a[0]);
  let out = source;
  for (const [at, text] of edits) out = out.slice(0, at) + text + out.slice(at);
  return out;
}

/**
 * The source with `import { v2 } from "@codex-ts/protocol"` (a value import of the namespace the
 * protocol re-exports) turned into `import * as v2 from "<v2Module>"`. esbuild resolves `v2.X` on
 * a namespace *import* to the binding X, but a re-exported namespace (`export * as v2`) used as
 * `v2.X` makes it build the whole namespace object, which keeps every v2 schema alive. Other
 * specifiers of the same import are kept; type-only ones are left alone.
 */
export function importV2Directly(source, fileName, v2Module) {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edits = [];
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || statement.importClause?.isTypeOnly) continue;
    if (!ts.isStringLiteral(statement.moduleSpecifier) || statement.moduleSpecifier.text !== "@codex-ts/protocol") continue;
    const named = statement.importClause?.namedBindings;
    if (!named || !ts.isNamedImports(named)) continue;
    const v2 = named.elements.find((e) => !e.isTypeOnly && !e.propertyName && e.name.text === "v2");
    if (!v2) continue;
    const rest = named.elements.filter((e) => e !== v2).map((e) => e.getText(file));
    const replacement =
      (rest.length > 0 ? `import { ${rest.join(", ")} } from "@codex-ts/protocol"; ` : "") +
      `import * as v2 from ${JSON.stringify(v2Module)};`;
    edits.push([statement.getStart(file), statement.getEnd(), replacement]);
  }
  edits.sort((a, b) => b[0] - a[0]);
  let out = source;
  for (const [start, end, text] of edits) out = out.slice(0, start) + text + out.slice(end);
  return out;
}

/**
 * One esbuild plugin applying both transforms to our TypeScript sources.
 * @param {{ protocolSrc: string }} options absolute path of packages/protocol/src
 */
export function codexTsBundle({ protocolSrc }) {
  const v2Module = path.join(protocolSrc, "v2", "index.ts");
  const inProtocol = (p) => p.startsWith(protocolSrc + path.sep);
  return {
    name: "codex-ts-bundle",
    setup(build) {
      build.onLoad({ filter: /[\\/](packages|apps)[\\/][^\\/]+[\\/]src[\\/].*\.ts$/ }, async (args) => {
        if (args.path.endsWith(".test.ts") || args.path.endsWith(".d.ts")) return undefined;
        let contents = await readFile(args.path, "utf8");
        if (inProtocol(args.path)) {
          // generate/ builds JSON Schema from the registry: leave it as written.
          if (!args.path.startsWith(path.join(protocolSrc, "generate") + path.sep)) contents = markInitializersPure(contents, args.path);
        } else if (contents.includes("@codex-ts/protocol")) {
          contents = importV2Directly(contents, args.path, v2Module);
        }
        return { contents, loader: "ts" };
      });
    },
  };
}
