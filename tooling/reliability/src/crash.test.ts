/**
 * SIGKILL mid-turn, against the built `codex-ts exec` and app-server: while the model streams,
 * while a command runs (pipes, pty), while an MCP tool call hangs, while a patch applies
 * (./crash-scenarios.ts). Afterwards the rollout loads with @codex-ts/rollout's reader (no broken
 * line), `exec resume` continues the thread, no process of the killed one survives, and each
 * patched file is old or new.
 */
import { appendFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { type FakeResponsesServer, sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AppServer } from "./app-server.js";
import { type Scenario, WHILE } from "./crash-scenarios.js";
import {
  assertBuilt,
  binEnv,
  CLI_BIN,
  cleanupDirs,
  events,
  eventually,
  figure,
  loadRollout,
  makeHome,
  processesWith,
  rolloutFiles,
  runExec,
  startBin,
} from "./harness.js";

/** A home for the scenario (its MCP servers added to the config). */
function homeFor(scenario: Scenario): { home: string; work: string } {
  const dirs = makeHome(server.url);
  if (scenario.config) appendFileSync(path.join(dirs.home, "config.toml"), scenario.config);
  return dirs;
}

let server: FakeResponsesServer;
let crashes = 0;
const orphansSeen: string[] = [];
/** Crashes after which the killed turn's prompt was missing from the resumed history. */
const promptsLost: string[] = [];
/** What a kill mid-patch left (files new / old / torn). */
const patched: string[] = [];
beforeAll(assertBuilt);
afterEach(async () => {
  await server?.close();
  cleanupDirs();
});
afterAll(() => {
  figure("SIGKILL crashes survived (rollout loads, resume works)", crashes);
  figure("orphan processes after SIGKILL", orphansSeen.length ? orphansSeen : 0);
  figure("prompts of killed turns lost", promptsLost.length ? promptsLost : 0);
  figure("SIGKILL while a patch applies", patched);
});

/** After the crash: the rollout loads cleanly and `exec resume` continues the thread. */
async function checkAfterCrash(home: string, work: string, threadId: string, label: string): Promise<void> {
  const files = rolloutFiles(home);
  expect(files).toHaveLength(1);
  const rollout = await loadRollout(files[0] as string);
  expect(rollout.skipped).toEqual([]);
  expect(rollout.meta?.id).toBe(threadId);
  server.enqueue(turn(sse.message("back again", { phase: "final_answer" })));
  const next = await runExec(["resume", threadId, "continue please"], home, work);
  expect(next.code, next.stderr).toBe(0);
  expect(events(next.stdout).find((e) => e.type === "item.completed")?.item?.text).toBe("back again");
  const input = JSON.stringify(server.responsesRequests().at(-1)?.body.input);
  if (!input.includes("first prompt")) promptsLost.push(label);
  // exec's RolloutWriter appends each recorded line at once: the killed turn's prompt survives.
  if (label.startsWith("exec"))
    expect(input, "the killed turn's prompt is missing").toContain("first prompt");
  expect(input).toContain("continue please");
  const after = await loadRollout(files[0] as string);
  expect(after.skipped).toEqual([]);
  crashes++;
}

/** pid, parent, group, session and command of each process: what a surviving orphan was. */
function describeProcesses(pids: number[]): string {
  return pids
    .map((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const [, ppid, pgid, sid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim().slice(0, 80);
        return `pid ${pid} ppid ${ppid} pgid ${pgid} sid ${sid} [${cmd}]`;
      } catch {
        return `pid ${pid} (gone)`;
      }
    })
    .join(", ");
}

/** True when no process carrying `mark` is left (waits a little for the kernel to reap). */
async function noOrphan(mark: string | undefined, label: string): Promise<boolean> {
  if (!mark) return true;
  // The reaper acts when it reads EOF from the dead parent; on a loaded 2-core machine that took > 3 s once.
  const gone = await eventually(() => processesWith(mark).length === 0, 10_000);
  if (!gone) {
    orphansSeen.push(
      `${label}: ${describeProcesses(processesWith(mark))}; reapers alive: ${processesWith("codex-reaper").length}`,
    );
    for (const pid of processesWith(mark)) process.kill(pid, "SIGKILL");
  }
  return gone;
}

/** Waits until the processes the scenario marks all run (the kill must find them). */
async function scenarioProcessesRun(scenario: Scenario): Promise<void> {
  const { mark, processes = 1 } = scenario;
  const running = await eventually(() => processesWith(mark as string).length >= processes, 20_000);
  expect(running, `${processes} process(es) marked ${mark} never ran`).toBe(true);
}

describe("SIGKILL of codex-ts exec mid-turn", () => {
  for (const [when, make] of Object.entries(WHILE)) {
    it(`while ${when}`, { timeout: 90_000 }, async () => {
      const scenario = make();
      const { script, mark } = scenario;
      server = await startFakeResponsesServer({ script });
      const { home, work } = homeFor(scenario);
      const files = scenario.files?.(work);
      const run = startBin(CLI_BIN, ["exec", "--json", "--skip-git-repo-check", "first prompt"], {
        cwd: work,
        env: binEnv(home),
      });
      await server.waitForResponsesRequests(1, 30_000);
      if (mark) await scenarioProcessesRun(scenario);
      else await eventually(() => run.stdout().includes("turn.started"), 5_000);
      const started = scenario.started?.exec;
      if (started) {
        const inFlight = () =>
          events(run.stdout()).some((e) => e.type === "item.started" && e.item?.type === started);
        expect(await eventually(inFlight, 20_000)).toBe(true);
      }
      const threadId = events(run.stdout()).find((e) => e.type === "thread.started")?.thread_id as string;
      expect(threadId).toBeTruthy();
      if (files) expect(await eventually(files.ready, 30_000, 1)).toBe(true);
      run.child.kill("SIGKILL");
      await run.done;
      if (files) patched.push(`exec: ${files.after()}`);
      await noOrphan(mark, `exec while ${when}`);
      await checkAfterCrash(home, work, threadId, `exec while ${when}`);
    });
  }
});

describe("SIGKILL of the app-server mid-turn", () => {
  for (const [when, make] of Object.entries(WHILE)) {
    it(`while ${when}`, { timeout: 90_000 }, async () => {
      const scenario = make();
      const { script, mark } = scenario;
      server = await startFakeResponsesServer({ script });
      const { home, work } = homeFor(scenario);
      const files = scenario.files?.(work);
      const app = new AppServer(home, work);
      await app.initialize();
      const threadId = await app.startThread(work);
      await app.startTurn(threadId, "first prompt");
      await server.waitForResponsesRequests(1, 30_000);
      if (mark) await scenarioProcessesRun(scenario);
      else if (!files)
        await app.notification("item/agentMessage/delta", () => true, 10_000).catch(() => undefined);
      const started = scenario.started?.v2;
      if (started)
        await app.notification(
          "item/started",
          (p: { item?: { type?: string } }) => p?.item?.type === started,
          20_000,
        );
      if (files) expect(await eventually(files.ready, 30_000, 1)).toBe(true);
      app.child.kill("SIGKILL");
      await app.exited;
      if (files) patched.push(`app-server: ${files.after()}`);
      await noOrphan(mark, `app-server while ${when}`);
      await checkAfterCrash(home, work, threadId, `app-server while ${when}`);
    });
  }
});

// Was a finding: a command started by exec_command outlived a SIGKILLed exec / app-server. Core's
// runner now registers each command's session with a reaper that kills it when its parent dies
// (packages/core/src/tools/exec/reaper.ts); bwrap adds --die-with-parent for sandboxed ones.
describe("processes of a killed binary", () => {
  it("none survive the SIGKILL (pipe and pty commands, a background job ignoring SIGHUP)", () => {
    expect(crashes).toBeGreaterThanOrEqual(6);
    expect(orphansSeen).toEqual([]);
  });
});

// The client's own commands (command/exec pipe and tty, thread/shellCommand) are guarded by the same
// reaper (apps/app-server/src/command-exec.ts, user-shell.ts).
describe("SIGKILL of the app-server while a client's own commands run", () => {
  it("leaves no command/exec (pipe, tty) or thread/shellCommand process behind", {
    timeout: 90_000,
  }, async () => {
    server = await startFakeResponsesServer();
    const { home, work } = makeHome(server.url);
    const app = new AppServer(home, work);
    await app.initialize();
    const threadId = await app.startThread(work);
    const mark = `reliability-client-${process.pid}-${Date.now()}`;
    const script = (kind: string) => ["sh", "-c", "sleep 120; true", `${mark}-${kind}`];
    const ignore = () => undefined;
    app
      .request("command/exec", { command: script("pipe"), cwd: work, timeoutMs: 120_000 }, 120_000)
      .catch(ignore);
    app
      .request(
        "command/exec",
        { command: script("tty"), cwd: work, tty: true, processId: "tty-1", size: { rows: 24, cols: 80 } },
        120_000,
      )
      .catch(ignore);
    app
      .request("thread/shellCommand", { threadId, command: `sleep 120; true ${mark}-shell` }, 120_000)
      .catch(ignore);
    expect(await eventually(() => processesWith(mark).length >= 3, 20_000)).toBe(true);
    app.child.kill("SIGKILL");
    await app.exited;
    expect(await noOrphan(mark, "app-server while its client's commands run")).toBe(true);
  });
});

// The app-server's thread writes its lines as they are recorded (apps/app-server/src/thread-recorder.ts)
// and lets no notification out before the lines recorded ahead of it are written (write-ahead,
// thread.ts #emit): the killed turn's prompt survives, and turn/completed means the whole turn is in
// the store (the postgres fleet test reads it on another server at that instant).
describe("the killed turn's prompt", () => {
  it("survives every app-server SIGKILL scenario above", () => {
    expect(crashes).toBeGreaterThan(0);
    expect(promptsLost).toEqual([]);
  });
});
