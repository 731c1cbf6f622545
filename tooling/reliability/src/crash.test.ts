/**
 * SIGKILL mid-turn, against the built `codex-ts exec` and app-server: while the model streams and
 * while a shell command runs. Afterwards the rollout loads with @codex-ts/rollout's reader (no
 * broken line), `exec resume` continues the thread, and no child process of the killed one survives.
 */
import { randomInt } from "node:crypto";
import { appendFileSync } from "node:fs";
import path from "node:path";
import {
  type FakeResponsesServer,
  mcpStdioTestServer,
  mcpToolCall,
  sse,
  startFakeResponsesServer,
  turn,
} from "@codex-ts/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AppServer } from "./app-server.js";
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

type Entry = Parameters<FakeResponsesServer["enqueue"]>[0];

/** What runs when the binary is killed: the model's script, and the processes to find in /proc. */
interface Scenario {
  script: Entry[];
  /** A string in the command lines of the processes that must not survive. */
  mark?: string;
  /** How many such processes run before the kill. */
  processes?: number;
  /** More config.toml (MCP servers). */
  config?: string;
  /** Kill only once this item started (exec's JSONL type, the app-server's v2 type). */
  started?: { exec: string; v2: string };
}

/**
 * A shell command that runs long and is recognisable in /proc by its unique duration: a sleep and
 * a background one that ignores SIGHUP (a terminal's hangup must not be what kills the tree).
 */
function marker(): { command: string; mark: string } {
  const mark = `${40 + randomInt(50)}.${randomInt(100_000, 999_999)}`;
  return { command: `(trap '' HUP; exec sleep ${mark}) & sleep ${mark}`, mark };
}

/** exec_command running the marked command, on pipes or on a pty (unified exec's tty sessions). */
function commandRuns(tty: boolean): () => Scenario {
  return () => {
    const m = marker();
    const args = { cmd: m.command, yield_time_ms: 30_000, ...(tty ? { tty: true } : {}) };
    return { script: [turn(sse.functionCall("exec_command", args, { callId: "long" }))], mark: m.mark, processes: 2 };
  };
}

/** An MCP tool call that hangs: the SDK test server, marked by an argument it ignores. */
function mcpCallHangs(): Scenario {
  const mark = `mcp-crash-${randomInt(1e9)}`;
  const server = mcpStdioTestServer();
  return {
    script: [turn(mcpToolCall("probe", "slow", { ms: 600_000 }, "hang"))],
    mark,
    processes: 1,
    started: { exec: "mcp_tool_call", v2: "mcpToolCall" },
    config: [
      "",
      "[mcp_servers.probe]",
      `command = ${JSON.stringify(server.command)}`,
      `args = ${JSON.stringify([...server.args, `--marker=${mark}`])}`,
      "",
    ].join("\n"),
  };
}

const WHILE: Record<string, () => Scenario> = {
  streaming: () => ({ script: [turn([sse.message("streaming and streaming")], { hold: true })] }),
  "a command runs": commandRuns(false),
  "a pty command runs": commandRuns(true),
  "an MCP tool call hangs": mcpCallHangs,
};

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
beforeAll(assertBuilt);
afterEach(async () => {
  await server?.close();
  cleanupDirs();
});
afterAll(() => {
  figure("SIGKILL crashes survived (rollout loads, resume works)", crashes);
  figure("orphan processes after SIGKILL", orphansSeen.length ? orphansSeen : 0);
  figure("prompts of killed turns lost", promptsLost.length ? promptsLost : 0);
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

/** True when no process carrying `mark` is left (waits a little for the kernel to reap). */
async function noOrphan(mark: string | undefined, label: string): Promise<boolean> {
  if (!mark) return true;
  const gone = await eventually(() => processesWith(mark).length === 0, 3_000);
  if (!gone) {
    orphansSeen.push(label);
    for (const pid of processesWith(mark)) process.kill(pid, "SIGKILL");
  }
  return gone;
}

describe("SIGKILL of codex-ts exec mid-turn", () => {
  for (const [when, make] of Object.entries(WHILE)) {
    it(`while ${when}`, { timeout: 90_000 }, async () => {
      const scenario = make();
      const { script, mark } = scenario;
      server = await startFakeResponsesServer({ script });
      const { home, work } = homeFor(scenario);
      const run = startBin(CLI_BIN, ["exec", "--json", "--skip-git-repo-check", "first prompt"], {
        cwd: work,
        env: binEnv(home),
      });
      await server.waitForResponsesRequests(1, 30_000);
      if (mark) expect(await eventually(() => processesWith(mark).length >= (scenario.processes ?? 1), 20_000)).toBe(true);
      else await eventually(() => run.stdout().includes("turn.started"), 5_000);
      const started = scenario.started?.exec;
      if (started) {
        const inFlight = () => events(run.stdout()).some((e) => e.type === "item.started" && e.item?.type === started);
        expect(await eventually(inFlight, 20_000)).toBe(true);
      }
      const threadId = events(run.stdout()).find((e) => e.type === "thread.started")?.thread_id as string;
      expect(threadId).toBeTruthy();
      run.child.kill("SIGKILL");
      await run.done;
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
      const app = new AppServer(home, work);
      await app.initialize();
      const threadId = await app.startThread(work);
      await app.startTurn(threadId, "first prompt");
      await server.waitForResponsesRequests(1, 30_000);
      if (mark) expect(await eventually(() => processesWith(mark).length >= (scenario.processes ?? 1), 20_000)).toBe(true);
      else await app.notification("item/agentMessage/delta", () => true, 10_000).catch(() => undefined);
      const started = scenario.started?.v2;
      if (started) await app.notification("item/started", (p: any) => p?.item?.type === started, 20_000);
      app.child.kill("SIGKILL");
      await app.exited;
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

// Finding: the app-server's thread (apps/app-server/src/thread.ts) keeps a turn's lines in memory
// until the turn ends, so a SIGKILL mid-turn loses the killed turn's prompt (and what streamed
// before the kill); Codex writes each item as it comes. exec was fixed (packages/rollout writer).
// Writing each tick's lines at once fixed the "while a command runs" case but let another server
// read a half-written turn right after turn/completed (postgres fleet test), so it was reverted:
// the turn's end must stay one write, or turn/completed must wait for the last write.
describe("finding: the killed turn's prompt", () => {
  it.fails("survives an app-server SIGKILL (fails today: lost in both app-server crashes)", () => {
    expect(crashes).toBeGreaterThan(0);
    expect(promptsLost).toEqual([]);
  });
});
