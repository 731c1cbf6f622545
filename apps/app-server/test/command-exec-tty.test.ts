/**
 * command/exec in a real pseudo-terminal (`tty: true`, node-pty): output streams as
 * `command/exec/outputDelta` on stdout, stdin through `command/exec/write`, `command/exec/resize`
 * changes the terminal size, and the experimental `permissionProfile` param selects the sandbox.
 */
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { type AppServerProcess, bwrapWorks, PACKAGE_DIR, useAppServerFixture } from "./harness.js";

/**
 * A writable folder outside /tmp and $TMPDIR (which `:workspace` leaves writable): the package's
 * `.vitest/` unless the checkout itself lives under /tmp (CI clones), else the home cache.
 */
function scratchOutsideTmp(): string {
  const tmps = ["/tmp", os.tmpdir()].map((dir) => realpathSync(dir));
  const candidates = [path.join(PACKAGE_DIR, ".vitest"), path.join(os.homedir(), ".cache", "codex-ts-tests"), "/var/tmp"];
  for (const dir of candidates) {
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
    } catch {
      continue;
    }
    const real = realpathSync(dir);
    if (!tmps.some((tmp) => real === tmp || real.startsWith(`${tmp}${path.sep}`))) return real;
  }
  throw new Error("no writable folder outside /tmp for this test");
}

const fx = useAppServerFixture();
const sandboxed = bwrapWorks();
const FULL_ACCESS = 'sandbox_mode = "danger-full-access"\n';

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

function deltas(server: AppServerProcess, processId: string) {
  return server.notifications("command/exec/outputDelta").filter((n) => n.params.processId === processId);
}

/** Everything streamed for `processId` so far, decoded. */
function outputOf(server: AppServerProcess, processId: string): string {
  return Buffer.concat(
    deltas(server, processId).map((n) => Buffer.from(n.params.deltaBase64 as string, "base64")),
  ).toString("utf8");
}

async function waitForOutput(
  server: AppServerProcess,
  processId: string,
  needle: string | RegExp,
): Promise<string> {
  const found = () => {
    const text = outputOf(server, processId);
    return typeof needle === "string" ? text.includes(needle) : needle.test(text);
  };
  await server.waitFor(found, 30_000, `output ${String(needle)} of ${processId}`);
  return outputOf(server, processId);
}

describe("command/exec tty", () => {
  it("runs in a terminal of the requested size, streams its output and reads written stdin", async () => {
    const server = await fx.bootWithConfig(FULL_ACCESS);
    const script = 'stty size; if [ -t 0 ] && [ -t 1 ]; then echo IS-A-TTY; fi; read line; echo "got:$line"';
    const pending = server.request("command/exec", {
      command: ["/bin/sh", "-c", script],
      processId: "tty-1",
      tty: true,
      size: { rows: 30, cols: 100 },
      cwd: fx.workDir,
    });
    const first = await waitForOutput(server, "tty-1", "IS-A-TTY");
    expect(first).toMatch(/^30 100\r?$/m);
    expect(
      await server.call("command/exec/write", { processId: "tty-1", deltaBase64: b64("hello\n") }),
    ).toEqual({});
    await waitForOutput(server, "tty-1", "got:hello");
    const response = await pending;
    expect(response.result).toEqual({ exitCode: 0, stdout: "", stderr: "" });
    // PTY mode multiplexes the terminal onto stdout; every chunk is one.
    expect(deltas(server, "tty-1").every((n) => n.params.stream === "stdout")).toBe(true);
    // The response comes after every delta of the command.
    const responseIndex = server.messages.findIndex((m) => m.result === response.result);
    const lastDelta = server.messages.findLastIndex(
      (m) => m.method === "command/exec/outputDelta" && m.params.processId === "tty-1",
    );
    expect(lastDelta).toBeLessThan(responseIndex);
  });

  it("defaults to 80x24 and resizes the terminal with command/exec/resize", async () => {
    const server = await fx.bootWithConfig(FULL_ACCESS);
    const pending = server.request("command/exec", {
      command: ["/bin/sh", "-c", "stty size; echo READY; read x; stty size"],
      processId: "tty-2",
      tty: true,
    });
    const first = await waitForOutput(server, "tty-2", "READY");
    expect(first).toMatch(/^24 80\r?$/m);
    expect(
      await server.call("command/exec/resize", { processId: "tty-2", size: { rows: 48, cols: 160 } }),
    ).toEqual({});
    await server.call("command/exec/write", { processId: "tty-2", deltaBase64: b64("\n") });
    const all = await waitForOutput(server, "tty-2", "48 160");
    expect(all).toMatch(/^48 160\r?$/m);
    expect((await pending).result?.exitCode).toBe(0);
  });

  it("closeStdin sends end-of-file to the terminal", async () => {
    const server = await fx.bootWithConfig(FULL_ACCESS);
    const pending = server.request("command/exec", {
      command: ["/bin/sh", "-c", "echo READY; cat; echo CAT-DONE"],
      processId: "tty-3",
      tty: true,
    });
    await waitForOutput(server, "tty-3", "READY");
    await server.call("command/exec/write", {
      processId: "tty-3",
      deltaBase64: b64("abc\n"),
      closeStdin: true,
    });
    const text = await waitForOutput(server, "tty-3", "CAT-DONE");
    expect(text).toContain("abc");
    expect((await pending).result?.exitCode).toBe(0);
  });

  it("terminate kills the terminal's process and the response reports the signal", async () => {
    const server = await fx.bootWithConfig(FULL_ACCESS);
    const pending = server.request("command/exec", {
      command: ["/bin/sh", "-c", "echo READY; exec sleep 60"],
      processId: "tty-4",
      tty: true,
      disableTimeout: true,
    });
    await waitForOutput(server, "tty-4", "READY");
    expect(await server.call("command/exec/terminate", { processId: "tty-4" })).toEqual({});
    expect((await pending).result).toEqual({ exitCode: 137, stdout: "", stderr: "" });
    const after = await server.request("command/exec/write", { processId: "tty-4", deltaBase64: b64("x") });
    expect(after.error?.code).toBe(-32600);
  });

  it("the timeout applies to tty commands too (exit code 124)", async () => {
    const server = await fx.bootWithConfig(FULL_ACCESS);
    const response = await server.request("command/exec", {
      command: ["sleep", "60"],
      processId: "tty-5",
      tty: true,
      timeoutMs: 300,
    });
    expect(response.result).toEqual({ exitCode: 124, stdout: "", stderr: "" });
  });

  it("outputBytesCap applies to the terminal output", async () => {
    const server = await fx.bootWithConfig(FULL_ACCESS);
    const response = await server.request("command/exec", {
      command: ["/bin/sh", "-c", "i=0; while [ $i -lt 200 ]; do echo 0123456789; i=$((i+1)); done"],
      processId: "tty-6",
      tty: true,
      outputBytesCap: 64,
    });
    expect(response.result?.exitCode).toBe(0);
    const chunks = deltas(server, "tty-6");
    const total = chunks.reduce(
      (n, c) => n + Buffer.from(c.params.deltaBase64 as string, "base64").length,
      0,
    );
    expect(total).toBe(64);
    expect(chunks.at(-1)?.params.capReached).toBe(true);
    expect(chunks.filter((c) => c.params.capReached)).toHaveLength(1);
  });

  it("rejects invalid tty, size, write and resize requests with the right codes", async () => {
    const server = await fx.bootWithConfig(FULL_ACCESS);
    const noId = await server.request("command/exec", { command: ["true"], tty: true });
    expect(noId.error).toMatchObject({
      code: -32600,
      message: "command/exec tty or streaming requires a client-supplied processId",
    });
    const sizeWithoutTty = await server.request("command/exec", {
      command: ["true"],
      size: { rows: 10, cols: 10 },
    });
    expect(sizeWithoutTty.error).toMatchObject({
      code: -32602,
      message: "command/exec size requires tty: true",
    });
    const zero = await server.request("command/exec", {
      command: ["true"],
      processId: "z",
      tty: true,
      size: { rows: 0, cols: 80 },
    });
    expect(zero.error?.code).toBe(-32602);
    expect(zero.error?.message).toMatch(/greater than 0/);
    const unknown = await server.request("command/exec/resize", {
      processId: "nope",
      size: { rows: 10, cols: 10 },
    });
    expect(unknown.error?.code).toBe(-32600);

    // A piped (non-tty) streaming command cannot be resized.
    const pending = server.request("command/exec", {
      command: ["/bin/sh", "-c", "echo READY; read x"],
      processId: "pipe-1",
      streamStdin: true,
      streamStdoutStderr: true,
    });
    await waitForOutput(server, "pipe-1", "READY");
    const notPty = await server.request("command/exec/resize", {
      processId: "pipe-1",
      size: { rows: 10, cols: 10 },
    });
    expect(notPty.error?.code).toBe(-32600);
    expect(notPty.error?.message).toMatch(/not running in a PTY/);
    const emptyWrite = await server.request("command/exec/write", { processId: "pipe-1" });
    expect(emptyWrite.error).toMatchObject({
      code: -32602,
      message: "command/exec/write requires deltaBase64 or closeStdin",
    });
    await server.call("command/exec/write", {
      processId: "pipe-1",
      deltaBase64: b64("go\n"),
      closeStdin: true,
    });
    expect((await pending).result?.exitCode).toBe(0);
  });

  it("answers with a JSON-RPC error when node-pty cannot be loaded, and keeps serving", async () => {
    const server = await fx.spawn({
      codexHome: fx.home,
      env: { CODEX_TS_NODE_PTY_MODULE: path.join(fx.workDir, "no-such-pty.js") },
    });
    await server.initialize();
    const refused = await server.request("command/exec", {
      command: ["true"],
      processId: "tty-x",
      tty: true,
      sandboxPolicy: { type: "dangerFullAccess" },
    });
    expect(refused.error?.code).toBe(-32603);
    expect(refused.error?.message).toMatch(/tty mode needs node-pty, which could not be loaded/);
    // The id is free again and piped commands still run.
    const piped = await server.call("command/exec", {
      command: ["echo", "still-here"],
      processId: "tty-x",
      sandboxPolicy: { type: "dangerFullAccess" },
    });
    expect(piped).toEqual({ exitCode: 0, stdout: "still-here\n", stderr: "" });
  });

  it.skipIf(!sandboxed)("runs under the configured sandbox (read-only refuses writes)", async () => {
    const server = await fx.bootWithConfig('sandbox_mode = "read-only"\n');
    const target = path.join(fx.workDir, "tty-out.txt");
    const response = await server.request("command/exec", {
      command: ["/bin/sh", "-c", `[ -t 1 ] && echo IS-A-TTY; echo data > '${target}'`],
      processId: "tty-ro",
      tty: true,
      cwd: fx.workDir,
    });
    expect(response.result?.exitCode).not.toBe(0);
    const text = outputOf(server, "tty-ro");
    expect(text).toContain("IS-A-TTY");
    expect(text).toMatch(/Read-only file system|Permission denied/);
    expect(existsSync(target)).toBe(false);
  });
});

describe("command/exec permissionProfile", () => {
  it("selects a built-in profile by id (string or {id})", async () => {
    const server = await fx.bootWithConfig('sandbox_mode = "read-only"\n');
    const outside = fx.tempDir("codex-outside-");
    const target = path.join(outside, "yes.txt");
    const ran = await server.call("command/exec", {
      command: ["/bin/sh", "-c", `echo data > '${target}'`],
      cwd: fx.workDir,
      permissionProfile: ":danger-full-access",
    });
    expect(ran.exitCode).toBe(0);
    expect(existsSync(target)).toBe(true);
    const again = await server.call("command/exec", {
      command: ["echo", "ok"],
      cwd: fx.workDir,
      permissionProfile: { id: ":danger-full-access" },
    });
    expect(again).toEqual({ exitCode: 0, stdout: "ok\n", stderr: "" });
  });

  it.skipIf(!sandboxed)(
    "a user profile's rules apply: workspace roots are writable, the rest is not",
    async () => {
      // Outside /tmp: `:workspace` keeps /tmp (and $TMPDIR) writable, as Codex does.
      const base = mkdtempSync(path.join(scratchOutsideTmp(), "profile-"));
      onTestFinished(() => rmSync(base, { recursive: true, force: true }));
      const root = path.join(base, "root");
      const other = path.join(base, "other");
      mkdirSync(root);
      mkdirSync(other);
      const server = await fx.bootWithConfig(
        [
          'sandbox_mode = "danger-full-access"',
          "",
          "[permissions.builder]",
          'extends = ":workspace"',
          "",
          "[permissions.builder.workspace_roots]",
          `"${root}" = true`,
          "",
        ].join("\n"),
      );
      const write = (dir: string) => ["/bin/sh", "-c", `echo data > '${path.join(dir, "f.txt")}'`];
      const inRoot = await server.call("command/exec", {
        command: write(root),
        cwd: fx.workDir,
        permissionProfile: "builder",
      });
      expect(inRoot.exitCode).toBe(0);
      expect(existsSync(path.join(root, "f.txt"))).toBe(true);
      const inCwd = await server.call("command/exec", {
        command: write(fx.workDir),
        cwd: fx.workDir,
        permissionProfile: "builder",
      });
      expect(inCwd.exitCode).toBe(0);
      const elsewhere = await server.call("command/exec", {
        command: write(other),
        cwd: fx.workDir,
        permissionProfile: "builder",
      });
      expect(elsewhere.exitCode).not.toBe(0);
      expect(existsSync(path.join(other, "f.txt"))).toBe(false);
      const readOnly = await server.call("command/exec", {
        command: write(root),
        cwd: fx.workDir,
        permissionProfile: { id: ":read-only" },
      });
      expect(readOnly.exitCode).not.toBe(0);
    },
  );

  it("rejects unknown, unsupported and malformed profiles with -32602 naming the problem", async () => {
    const server = await fx.bootWithConfig(
      [
        'sandbox_mode = "danger-full-access"',
        "",
        "[permissions.strict]",
        'extends = ":workspace"',
        "",
        "[permissions.strict.filesystem]",
        '"/etc" = "deny"',
        "",
      ].join("\n"),
    );
    const unknown = await server.request("command/exec", { command: ["true"], permissionProfile: "nope" });
    expect(unknown.error?.code).toBe(-32602);
    expect(unknown.error?.message).toContain("unknown permission profile: `nope`");
    const unsupported = await server.request("command/exec", {
      command: ["true"],
      permissionProfile: "strict",
    });
    expect(unsupported.error?.code).toBe(-32602);
    expect(unsupported.error?.message).toMatch(/permission profile `strict`.*filesystem/);
    const malformed = await server.request("command/exec", { command: ["true"], permissionProfile: 42 });
    expect(malformed.error?.code).toBe(-32602);
    expect(malformed.error?.message).toMatch(/permissionProfile/);
    const empty = await server.request("command/exec", { command: ["true"], permissionProfile: { id: "" } });
    expect(empty.error?.code).toBe(-32602);
  });

  it("cannot be combined with sandboxPolicy and needs experimentalApi", async () => {
    const server = await fx.bootWithConfig(FULL_ACCESS);
    const both = await server.request("command/exec", {
      command: ["true"],
      permissionProfile: ":workspace",
      sandboxPolicy: { type: "dangerFullAccess" },
    });
    expect(both.error).toMatchObject({
      code: -32600,
      message: "`permissionProfile` cannot be combined with `sandboxPolicy`",
    });

    const stable = await fx.spawn({ codexHome: fx.home });
    await stable.initialize({});
    const gated = await stable.request("command/exec", {
      command: ["true"],
      permissionProfile: ":workspace",
    });
    expect(gated.error).toMatchObject({
      code: -32600,
      message: "command/exec.permissionProfile requires experimentalApi capability",
    });
    // null is the same as absent.
    expect(await stable.call("command/exec", { command: ["echo", "fine"], permissionProfile: null })).toEqual(
      { exitCode: 0, stdout: "fine\n", stderr: "" },
    );
  });
});
