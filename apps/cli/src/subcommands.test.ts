import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { runCli } from "@codex-ts/cli";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runInProcess } from "../test/helpers.js";

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(path.join(tmpdir(), "cli-sub-")));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("codex-ts app-server", () => {
  it("generate-json-schema writes the v2 bundle", async () => {
    const r = await runInProcess(["app-server", "generate-json-schema", "--out", dir]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const bundle = JSON.parse(readFileSync(path.join(dir, "codex_app_server_protocol.v2.schemas.json"), "utf8"));
    expect(Object.keys(bundle.definitions ?? bundle.$defs ?? {})).toContain("ThreadStartParams");
  });

  it("generate-ts writes TypeScript bindings", async () => {
    const r = await runInProcess(["app-server", "generate-ts", "--out", dir]);
    expect(r.code).toBe(0);
    expect(existsSync(dir)).toBe(true);
  });

  it("--help lists the transport flags (--listen, --stdio, --ws-*) as Codex's does", async () => {
    const r = await runInProcess(["app-server", "--help"]);
    expect(r.code).toBe(0);
    for (const flag of ["--listen <URL>", "--stdio", "--ws-auth <MODE>", "--ws-token-file <PATH>", "--ws-token-sha256 <HEX>", "--ws-shared-secret-file <PATH>", "--ws-issuer", "--ws-audience", "--ws-max-clock-skew-seconds"])
      expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain("ws://IP:PORT");
  });

  it("generate-* without --out is a usage error", async () => {
    const r = await runInProcess(["app-server", "generate-ts"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--out");
  });

  it("serves JSON-RPC over the given streams: initialize answers", async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = "";
    stdout.on("data", (c) => {
      out += c;
    });
    const done = runCli(["app-server"], { stdin, stdout, stderr, env: { CODEX_HOME: dir, PATH: process.env.PATH }, cwd: dir });
    stdin.write(`${JSON.stringify({ id: 1, method: "initialize", params: { clientInfo: { name: "t", version: "1" } } })}\n`);
    for (let i = 0; i < 200 && !out.includes("\n"); i++) await new Promise((r) => setTimeout(r, 25));
    stdin.end();
    await done;
    const first = JSON.parse(out.split("\n")[0]!);
    expect(first.id).toBe(1);
    expect(first.result.codexHome).toBe(dir);
  });
});

describe("codex-ts execpolicy check", () => {
  it("prints the decision JSON for the given rules and tokens", async () => {
    const rules = path.join(dir, "a.rules");
    writeFileSync(rules, 'prefix_rule(pattern=["git", ["push", "fetch"]], decision="prompt", justification="network")\n');
    const r = await runInProcess(["execpolicy", "check", "--rules", rules, "--", "git", "push", "origin"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      matchedRules: [{ prefixRuleMatch: { matchedPrefix: ["git", "push"], decision: "prompt", justification: "network" } }],
      decision: "prompt",
    });
  });

  it("reports a rules error in one line with file:line:col, exit 1", async () => {
    const rules = path.join(dir, "bad.rules");
    writeFileSync(rules, 'prefix_rule(pattern=["git"], decision="maybe")\n');
    const r = await runInProcess(["execpolicy", "check", "--rules", rules, "--", "git"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.rules:1:\d+/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("needs a subcommand", async () => {
    const r = await runInProcess(["execpolicy", "frob"]);
    expect(r.code).toBe(2);
  });
});

describe("codex-ts sandbox linux", () => {
  it("runs a command under bwrap, refusing writes in read-only mode", async () => {
    const target = path.join(dir, "written");
    const ok = await runInProcess(["sandbox", "linux", "-s", "workspace-write", "-C", dir, "--", "sh", "-c", `echo hi > ${target}`], {
      env: { PATH: process.env.PATH },
    });
    expect(ok.code).toBe(0);
    expect(readFileSync(target, "utf8")).toBe("hi\n");
    const denied = await runInProcess(["sandbox", "linux", "-s", "read-only", "-C", dir, "--", "sh", "-c", `echo no > ${target}.2`], {
      env: { PATH: process.env.PATH },
    });
    expect(denied.code).not.toBe(0);
    expect(existsSync(`${target}.2`)).toBe(false);
  });
});

describe("codex-ts network-proxy", () => {
  it("prints its addresses as one JSON line, then stops when aborted", async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = "";
    stdout.on("data", (c) => {
      out += c;
    });
    const controller = new AbortController();
    const done = runCli(["network-proxy", "--allow", "example.com"], { stdin, stdout, stderr, env: {}, cwd: dir, signal: controller.signal });
    for (let i = 0; i < 400 && !out.includes("\n"); i++) await new Promise((r) => setTimeout(r, 25));
    const ready = JSON.parse(out.split("\n")[0]!);
    expect(ready.http).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(ready.socks).toMatch(/^127\.0\.0\.1:\d+$/);
    controller.abort();
    expect(await done).toBe(0);
  });
});
