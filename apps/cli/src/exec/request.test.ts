import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CliIO } from "../io.js";
import { parseCommandArgs } from "../parse.js";
import { EXEC_RESUME as EXEC } from "../spec.js";
import { buildExecRequest } from "./request.js";

function io(stdin?: string, cwd = "/tmp"): CliIO {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (stdin === undefined) s.isTTY = true;
  else s.end(stdin);
  return { stdin: s, stdout: new PassThrough(), stderr: new PassThrough(), env: {}, cwd };
}

const noGlobals: { config: string[]; enable: string[]; disable: string[] } = { config: [], enable: [], disable: [] };

async function build(argv: string[], stdin?: string, globals = noGlobals) {
  const parsed = parseCommandArgs(EXEC, argv);
  if (!parsed.ok) throw new Error(parsed.error);
  return buildExecRequest(parsed.values, parsed.positionals, io(stdin), globals);
}

describe("exec request", () => {
  it("takes the prompt from argv", async () => {
    const r = await build(["hello"]);
    expect(r).toMatchObject({ ok: true, request: { prompt: "hello", resume: null } });
  });

  it("reads the prompt from stdin when absent or '-'", async () => {
    expect(await build([], "from stdin")).toMatchObject({ ok: true, request: { prompt: "from stdin" } });
    expect(await build(["-"], "dash")).toMatchObject({ ok: true, request: { prompt: "dash" } });
  });

  it("appends piped stdin as a <stdin> block when both are given", async () => {
    const r = await build(["summarize"], "line 1\nline 2\n");
    expect(r).toMatchObject({ ok: true, request: { prompt: "summarize\n\n<stdin>\nline 1\nline 2\n</stdin>" } });
  });

  it("understands the SDK's order: flags before `resume ID`, prompt on stdin, --image after", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cli-req-"));
    const image = path.join(dir, "a.png");
    writeFileSync(image, "x");
    const r = await build(
      ["--experimental-json", "--config", 'model_reasoning_effort="high"', "--sandbox", "read-only", "resume", "abc", "--image", image],
      "continue please",
    );
    expect(r).toMatchObject({
      ok: true,
      request: {
        json: true,
        sandbox: "read-only",
        resume: { kind: "id", id: "abc" },
        prompt: "continue please",
        images: [image],
        configOverrides: ['model_reasoning_effort="high"'],
      },
    });
  });

  it("treats the positional after `resume --last` as the prompt", async () => {
    const r = await build(["resume", "--last", "go on"]);
    expect(r).toMatchObject({ ok: true, request: { resume: { kind: "last", all: false }, prompt: "go on" } });
  });

  it("folds global and local overrides and features in order", async () => {
    const r = await build(["-c", "b=2", "--enable", "x", "hi"], undefined, { config: ["a=1"], enable: [], disable: ["y"] });
    expect(r).toMatchObject({ ok: true, request: { configOverrides: ["a=1", "b=2", "features.x=true", "features.y=false"] } });
  });

  it("refuses --last outside resume and extra positionals", async () => {
    expect(await build(["--last", "hi"])).toMatchObject({ ok: false, usage: true });
    expect(await build(["a", "b"])).toMatchObject({ ok: false, usage: true, error: "unexpected argument 'b'" });
  });

  it("refuses a missing image", async () => {
    expect(await build(["-i", "/no/such.png", "hi"])).toMatchObject({ ok: false, usage: false });
  });
});
