// exec --goal: runs the goal's continuation turns until the goal stops, then reports its status.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ExecThreadEvent } from "@codex-ts/protocol";
import { type FakeResponsesServer, sse, startFakeResponsesServer, turn, usage } from "@codex-ts/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runInProcess } from "../../test/helpers.js";

let server: FakeResponsesServer;
let home: string;
let work: string;

beforeEach(async () => {
  server = await startFakeResponsesServer();
  home = realpathSync(mkdtempSync(path.join(tmpdir(), "cli-goal-home-")));
  work = realpathSync(mkdtempSync(path.join(tmpdir(), "cli-goal-work-")));
  mkdirSync(path.join(work, ".git"));
});
afterEach(async () => {
  await server.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const providerArgs = () => [
  "-c",
  `model_providers.fake={name="fake",base_url="${server.url}",env_key="FAKE_KEY",wire_api="responses",request_max_retries=0,stream_max_retries=0}`,
  "-c",
  "model_provider=fake",
];
const env = () => ({
  CODEX_HOME: home,
  FAKE_KEY: "k",
  PATH: process.env.PATH,
  HOME: home,
  SHELL: "/bin/bash",
});

function rolloutText(): string {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".jsonl")) found.push(full);
    }
  };
  walk(path.join(home, "sessions"));
  return found.map((file) => readFileSync(file, "utf8")).join("");
}

describe("exec --goal", () => {
  it("runs continuation turns until update_goal complete, then prints goal.status last in --json (exit 0)", async () => {
    server.enqueue(
      turn([sse.message("step one", { phase: "final_answer" })], { usage: usage(100, 20) }),
      turn([sse.functionCall("update_goal", { status: "complete" }, { callId: "u1" })], {
        usage: usage(100, 20),
      }),
      turn([sse.message("all done", { phase: "final_answer" })], { usage: usage(100, 20) }),
    );
    const r = await runInProcess(
      ["exec", "--json", ...providerArgs(), "--goal", "write hello", "--goal-budget", "10000"],
      { cwd: work, env: env() },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const last = lines.at(-1);
    expect(last).toMatchObject({
      type: "goal.status",
      goal: { objective: "write hello", status: "complete", tokensUsed: 240, tokenBudget: 10000 },
    });
    // Everything before it is an event the SDK knows.
    for (const line of lines.slice(0, -1)) expect(ExecThreadEvent.safeParse(line).success).toBe(true);
    expect(lines.filter((l) => l.type === "turn.completed")).toHaveLength(2);
    expect(server.responsesRequests()).toHaveLength(3);
    expect(server.unscripted).toEqual([]);
    expect(rolloutText()).toContain('"type":"thread_goal_updated"');
  });

  it("a prompt goes first; a goal over budget stops with exit 1 and the status on stderr", async () => {
    server.enqueue(
      turn([sse.message("hi", { phase: "final_answer" })], { usage: usage(3000, 20) }),
      turn([sse.message("progress", { phase: "final_answer" })], { usage: usage(3000, 20) }),
    );
    const r = await runInProcess(
      ["exec", ...providerArgs(), "--goal", "big job", "--goal-budget", "5000", "hello first"],
      { cwd: work, env: env() },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("goal budgetLimited: 6040 of 5000 tokens");
    const first = JSON.stringify(server.responsesRequests()[0]!.body.input);
    expect(first).toContain("hello first");
    expect(first).not.toContain("goal_objective");
    expect(JSON.stringify(server.responsesRequests()[1]!.body.input)).toContain("goal_objective");
    expect(server.responsesRequests()).toHaveLength(2);
  });

  it("stops after three continuation turns in a row without a tool call (the goal stays active, exit 1)", async () => {
    for (const text of ["a", "b", "c", "d"])
      server.enqueue(turn([sse.message(text, { phase: "final_answer" })], { usage: usage(10, 5) }));
    const r = await runInProcess(["exec", ...providerArgs(), "--goal", "chatty job"], {
      cwd: work,
      env: env(),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("goal active: 45 tokens");
    expect(r.stderr).toContain("3 turns in a row without a tool call");
    expect(server.responsesRequests()).toHaveLength(3);
  });

  it("exec resume --goal takes up the thread's goal (its usage kept) with the new objective", async () => {
    server.enqueue(
      turn([sse.functionCall("update_goal", { status: "paused" }, { callId: "p1" })], {
        usage: usage(100, 20),
      }),
      turn([sse.message("paused", { phase: "final_answer" })], { usage: usage(100, 20) }),
    );
    const first = await runInProcess(["exec", "--json", ...providerArgs(), "--goal", "first objective"], {
      cwd: work,
      env: env(),
    });
    expect(first.code).toBe(1);
    const threadId = JSON.parse(first.stdout.split("\n")[0]!).thread_id;
    expect(JSON.parse(first.stdout.trim().split("\n").at(-1)!)).toMatchObject({
      goal: { status: "paused", tokensUsed: 120 },
    });

    server.enqueue(
      ...[
        turn([sse.functionCall("update_goal", { status: "complete" }, { callId: "u1" })], {
          usage: usage(100, 20),
        }),
        turn([sse.message("done", { phase: "final_answer" })], { usage: usage(100, 20) }),
      ],
    );
    const second = await runInProcess(
      ["exec", "--json", ...providerArgs(), "resume", threadId, "--goal", "second objective"],
      { cwd: work, env: env() },
    );
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout.trim().split("\n").at(-1)!)).toMatchObject({
      goal: { objective: "second objective", status: "complete", tokensUsed: 240 },
    });
  });

  it("a resumed goal that cannot go on (over budget) runs nothing: its status and exit 1", async () => {
    server.enqueue(turn([sse.message("spent", { phase: "final_answer" })], { usage: usage(3000, 20) }));
    const first = await runInProcess(
      ["exec", "--json", ...providerArgs(), "--goal", "job", "--goal-budget", "1000"],
      { cwd: work, env: env() },
    );
    const threadId = JSON.parse(first.stdout.split("\n")[0]!).thread_id;
    const second = await runInProcess(
      ["exec", "--json", ...providerArgs(), "resume", threadId, "--goal", "job"],
      { cwd: work, env: env() },
    );
    expect(second.code).toBe(1);
    expect(JSON.parse(second.stdout.trim().split("\n").at(-1)!)).toMatchObject({
      goal: { status: "budgetLimited", tokensUsed: 3020 },
    });
    expect(server.responsesRequests()).toHaveLength(1);
  });

  it("bad goal flags are usage errors", async () => {
    const budget = await runInProcess(["exec", ...providerArgs(), "--goal", "x", "--goal-budget", "lots"], {
      cwd: work,
      env: env(),
    });
    expect(budget.code).toBe(2);
    expect(budget.stderr).toContain("--goal-budget: expected a positive number of tokens, got 'lots'");
    const orphan = await runInProcess(["exec", ...providerArgs(), "--goal-budget", "5", "hi"], {
      cwd: work,
      env: env(),
    });
    expect(orphan.code).toBe(2);
    expect(orphan.stderr).toContain("--goal-budget needs --goal");
  });
});
