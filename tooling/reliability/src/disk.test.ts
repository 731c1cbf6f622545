/**
 * Disk faults on CODEX_HOME against the built `codex-ts exec`. We run as root, so permissions are
 * enforced by running the binary as `nobody` (setpriv) over a CODEX_HOME it owns, then taking write
 * access away; a regular file where the sessions folder should be needs no privilege drop.
 * Every case: a non-zero exit with a readable error, and nothing already on disk is lost.
 */
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { type FakeResponsesServer, sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  assertBuilt,
  CLI_BIN,
  cleanupDirs,
  events,
  figure,
  loadRollout,
  makeHome,
  rolloutFiles,
  runExec,
  threadIdOf,
} from "./harness.js";

const NOBODY = 65534;
const AS_NOBODY = ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"];

function chownTree(dir: string): void {
  chownSync(dir, NOBODY, NOBODY);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) chownTree(full);
    else chownSync(full, NOBODY, NOBODY);
  }
}

/** The error a failed exec reports: its stderr, or the turn.failed / error event. */
function reportedError(r: { stdout: string; stderr: string }): string {
  const ev = events(r.stdout).find((e) => e.type === "turn.failed" || e.type === "error");
  return `${r.stderr.trim()} ${ev?.error?.message ?? ev?.message ?? ""}`.trim();
}

/** Mounts a small tmpfs (needs CAP_SYS_ADMIN); undefined when this machine does not allow it. */
function smallTmpfs(dir: string, size: string): (() => void) | undefined {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "ignore" });
  } catch {
    return undefined;
  }
  return () => execFileSync("umount", ["-l", dir], { stdio: "ignore" });
}

/** Fills the file system holding `dir` until a write fails with ENOSPC. */
function fill(dir: string): void {
  const fd = openSync(path.join(dir, "filler"), "w");
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== "ENOSPC") throw cause;
  } finally {
    closeSync(fd);
  }
}

/**
 * A CODEX_HOME on a 2 MiB tmpfs where one exec turn ("first prompt") already ran: its thread id,
 * rollout file and bytes. Undefined when tmpfs cannot be mounted here.
 */
async function firstTurnOnTmpfs(baseUrl: string) {
  const { home, work } = makeHome(baseUrl);
  const config = readFileSync(path.join(home, "config.toml"));
  const unmount = smallTmpfs(home, "2m");
  if (!unmount) return undefined;
  writeFileSync(path.join(home, "config.toml"), config);
  const first = await runExec(["first prompt"], home, work);
  expect(first.code, first.stderr).toBe(0);
  const id = threadIdOf(first.stdout) as string;
  const file = rolloutFiles(home)[0] as string;
  return { home, work, id, file, before: readFileSync(file), unmount };
}

/**
 * The cases that drop to `nobody` need the checkout readable by it: a clone under a 0700 folder
 * (e.g. `mktemp -d`) fails them with "Cannot find module", which says nothing about why.
 */
function assertNobodyCanRun(): void {
  try {
    execFileSync(
      AS_NOBODY[0] as string,
      [
        ...AS_NOBODY.slice(1),
        process.execPath,
        "-e",
        `require("fs").accessSync(${JSON.stringify(CLI_BIN)}, 4)`,
      ],
      {
        stdio: "pipe",
      },
    );
  } catch (cause) {
    const why = String((cause as { stderr?: Buffer }).stderr ?? cause)
      .split("\n")
      .find((l) => /Error|denied|not found/i.test(l));
    throw new Error(
      `user nobody cannot read ${CLI_BIN} (${why?.trim() ?? "setpriv failed"}): the disk-fault cases run the binary as nobody; give the checkout's parent folders o+rx`,
    );
  }
}

describe("disk faults on CODEX_HOME (codex-ts exec)", () => {
  let server: FakeResponsesServer;
  const results: Record<string, string> = {};
  beforeAll(() => {
    assertBuilt();
    assertNobodyCanRun();
  });
  afterEach(async () => {
    await server?.close();
    cleanupDirs();
  });
  afterAll(() => figure("disk faults (error reported, bytes lost)", results));

  it("sessions is a file, not a folder: exec fails with a readable error, the file is untouched", async () => {
    server = await startFakeResponsesServer({ script: [turn(sse.message("never"))] });
    const { home, work } = makeHome(server.url);
    const sessions = path.join(home, "sessions");
    writeFileSync(sessions, "precious\n");
    const r = await runExec(["hi"], home, work);
    expect(r.code).not.toBe(0);
    const error = reportedError(r);
    expect(error).toMatch(/sessions|ENOTDIR|not a directory/i);
    expect(error.split("\n").length).toBeLessThanOrEqual(3);
    expect(readFileSync(sessions, "utf8")).toBe("precious\n");
    results["sessions is a file"] = `${error.slice(0, 160)} | lost 0`;
  });

  it("sessions not writable (EACCES): exec fails with a readable error", async () => {
    server = await startFakeResponsesServer({ script: [turn(sse.message("never"))] });
    const { home, work } = makeHome(server.url);
    chownTree(home);
    chownTree(work);
    const sessions = path.join(home, "sessions");
    mkdirSync(sessions);
    chmodSync(sessions, 0o555);
    const r = await runExec(["hi"], home, work, { prefix: AS_NOBODY });
    expect(r.code).not.toBe(0);
    const error = reportedError(r);
    expect(error).toMatch(/EACCES|permission denied/i);
    results["sessions not writable"] = `${error.slice(0, 160)} | lost 0`;
  });

  it("the rollout turns read-only between turns: resume fails clearly, the earlier turn is intact", async () => {
    server = await startFakeResponsesServer({
      script: [turn(sse.message("first answer", { phase: "final_answer" })), turn(sse.message("second"))],
    });
    const { home, work } = makeHome(server.url);
    chownTree(home);
    chownTree(work);
    const first = await runExec(["first prompt"], home, work, { prefix: AS_NOBODY });
    expect(first.code, first.stderr).toBe(0);
    const id = threadIdOf(first.stdout) as string;
    const file = rolloutFiles(home)[0] as string;
    const before = readFileSync(file);
    chmodSync(file, 0o444);
    chmodSync(path.dirname(file), 0o555);
    const second = await runExec(["resume", id, "second prompt"], home, work, { prefix: AS_NOBODY });
    const error = reportedError(second);
    expect(second.code).not.toBe(0);
    expect(error).toMatch(/EACCES|permission denied|read-only/i);
    // Nothing earlier lost: the file is byte for byte what the first turn wrote, and loads.
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(statSync(file).size).toBe(before.length);
    const rollout = await loadRollout(file);
    expect(rollout.skipped).toEqual([]);
    expect(JSON.stringify(rollout.lines)).toContain("first answer");
    results["rollout read-only on resume"] = `${error.slice(0, 160)} | lost 0`;
  });

  it("the disk fills up (ENOSPC) before a turn's rollout is written: a clear error, the earlier turn intact", async (ctx) => {
    server = await startFakeResponsesServer({
      script: [
        turn(sse.message("first answer", { phase: "final_answer" })),
        turn(sse.message("y".repeat(300_000), { phase: "final_answer" })),
      ],
    });
    const fx = await firstTurnOnTmpfs(server.url);
    if (!fx) {
      results.ENOSPC = "not run: cannot mount a tmpfs here";
      ctx.skip();
      return;
    }
    const { home, work, id, file, before, unmount } = fx;
    try {
      fill(home);
      const second = await runExec(["resume", id, "second prompt"], home, work);
      const error = reportedError(second);
      results.ENOSPC = `exit ${second.code}: ${error.slice(0, 160)}`;
      expect(second.code).not.toBe(0);
      expect(error).toMatch(/ENOSPC|no space|disk is full/i);
      // Nothing earlier lost: the first turn's bytes are still the file's prefix, and it loads.
      expect(readFileSync(file).subarray(0, before.length).equals(before)).toBe(true);
      const rollout = await loadRollout(file);
      expect(JSON.stringify(rollout.lines)).toContain("first answer");
      results.ENOSPC += " | lost 0";
    } finally {
      unmount();
    }
  });

  it("the disk fills up mid-turn (ENOSPC while the rollout is written): a clear error, the earlier turn intact", async (ctx) => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    server = await startFakeResponsesServer({
      script: [
        turn(sse.message("first answer", { phase: "final_answer" })),
        turn(sse.message("z".repeat(300_000), { phase: "final_answer" }), { gate }),
      ],
    });
    const fx = await firstTurnOnTmpfs(server.url);
    if (!fx) {
      results["ENOSPC mid-turn"] = "not run: cannot mount a tmpfs here";
      ctx.skip();
      return;
    }
    const { home, work, id, file, before, unmount } = fx;
    try {
      const second = runExec(["resume", id, "second prompt"], home, work);
      await server.waitForResponsesRequests(2, 30_000);
      fill(home);
      release();
      const r = await second;
      const error = reportedError(r);
      results["ENOSPC mid-turn"] = `exit ${r.code}: ${error.slice(0, 160)}`;
      // The answer was already shown, so exec keeps exit 0 but warns on stderr that the session
      // file could not be written (Codex also keeps the turn and logs the failed write).
      expect(r.stderr).toMatch(/could not write the session file.*(ENOSPC|no space)/i);
      expect(readFileSync(file).subarray(0, before.length).equals(before)).toBe(true);
      const rollout = await loadRollout(file);
      expect(JSON.stringify(rollout.lines)).toContain("first answer");
      results["ENOSPC mid-turn"] += " | lost 0";
    } finally {
      unmount();
    }
  });
});
