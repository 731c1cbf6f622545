// End-to-end: CommandExecution items carry the real argv; interrupt and shutdown kill background
// exec_command processes.
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type FakeResponsesServer, sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Session } from "./session.js";
import { say, startSession } from "./test-harness.js";

let server: FakeResponsesServer;
let dir: string;
let session: Session | undefined;

beforeEach(async () => {
  server = await startFakeResponsesServer();
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), "codex-execlife-")));
});
afterEach(async () => {
  await session?.shutdown();
  session = undefined;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A background process that records its pid, then sleeps. */
const background = (pidFile: string) =>
  sse.functionCall("exec_command", { cmd: `echo $$ > ${pidFile}; exec sleep 120`, login: false, yield_time_ms: 250 }, { callId: "bg" });

function readPid(pidFile: string): number {
  return Number(readFileSync(pidFile, "utf8").trim());
}

describe("exec_command lifecycle in the session", () => {
  it("CommandExecution items carry the argv that ran", async () => {
    server.enqueue(turn(sse.functionCall("exec_command", { cmd: "echo hi", login: false }, { callId: "e1" })), turn(sse.message("ok")));
    const h = startSession(server, dir, { tools: { shellTool: "unified_exec" } });
    session = h.session;
    h.session.submit(say("go"));
    await h.turnEnd();
    const items = h.events.filter((e) => (e.msg.type === "item_started" || e.msg.type === "item_completed") && (e.msg as any).item.type === "CommandExecution");
    expect(items).toHaveLength(2);
    for (const e of items) expect((e.msg as any).item.command).toEqual(["/bin/bash", "-c", "echo hi"]);
  });

  it("interrupt kills a background exec_command process", async () => {
    const pidFile = path.join(dir, "pid");
    server.enqueue(turn(background(pidFile)), turn(sse.message("waiting", { phase: "commentary" }), { hold: true }));
    const h = startSession(server, dir, { tools: { shellTool: "unified_exec" } });
    session = h.session;
    h.session.submit(say("start a server"));
    await server.waitForResponsesRequests(2, 30_000);
    await until(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() !== "", "pid file");
    const pid = readPid(pidFile);
    expect(alive(pid)).toBe(true);
    h.session.submit({ type: "interrupt" });
    expect((await h.turnEnd()).msg.type).toBe("turn_aborted");
    await until(() => !alive(pid), "the background process to die");
  });

  it("shutdown kills background exec_command processes", async () => {
    const pidFile = path.join(dir, "pid");
    server.enqueue(turn(background(pidFile)), turn(sse.message("started it")));
    const h = startSession(server, dir, { tools: { shellTool: "unified_exec" } });
    session = h.session;
    h.session.submit(say("start a server"));
    expect((await h.turnEnd()).msg.type).toBe("task_complete");
    await until(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() !== "", "pid file");
    const pid = readPid(pidFile);
    expect(alive(pid)).toBe(true);
    await h.session.shutdown();
    await until(() => !alive(pid), "the background process to die");
  });
});
