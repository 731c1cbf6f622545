import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { AppServerClient } from "@codex-ts/app-server";
import { sse, turn } from "@codex-ts/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, runBin, useBinFixture } from "./bin.js";

const fx = useBinFixture();
const servers: ChildProcess[] = [];

afterEach(() => {
  for (const server of servers.splice(0)) server.kill("SIGTERM");
});

/** `codex-ts app-server --listen <url>` (the built binary) and the address it listens on. */
async function appServer(listen: string): Promise<string> {
  // The server reads the provider from config.toml (as a daemon would).
  writeFileSync(path.join(fx.home, "config.toml"), fx.server.configToml({ providerId: "fake", envKey: "FAKE_KEY" }));
  const child = spawn(process.execPath, [BIN, "app-server", "--listen", listen], { cwd: fx.work, env: fx.env(), stdio: ["pipe", "pipe", "pipe"] });
  servers.push(child);
  let err = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app-server did not listen: ${err}`)), 15_000);
    child.stderr.on("data", (chunk) => {
      err += chunk;
      const match = /listening on: (\S+)/.exec(err);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.on("exit", () => reject(new Error(`app-server exited: ${err}`)));
  });
}

async function newSession(): Promise<string> {
  fx.server.enqueue(turn(sse.message("first answer")));
  const r = await runBin(["exec", "--json", ...fx.providerArgs(), "first"], { cwd: fx.work, env: fx.env() });
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout.split("\n")[0]!).thread_id;
}

const lastUserText = (body: unknown) =>
  (body as { input: { role?: string; content?: { text?: string }[] }[] }).input.filter((i) => i.role === "user").at(-1)?.content?.at(-1)?.text;

async function queueLength(threadId: string): Promise<number> {
  const { QueueStore } = await import("@codex-ts/app-server");
  const store = QueueStore.open(fx.home);
  try {
    return store.list(threadId).length;
  } finally {
    store.close();
  }
}

describe("codex-ts queue with a running app server", () => {
  it("--remote sends thread/queue/add to that server; --resume loads the thread there and the message runs", async () => {
    const id = await newSession();
    const url = await appServer("ws://127.0.0.1:0");
    fx.server.enqueue(turn(sse.message("ran it")));
    const r = await runBin(["queue", "--thread", id, "--message", "via remote", "--remote", url, "--resume"], { env: fx.env() });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(new RegExp(`^Queued message [0-9a-f-]{36} for thread ${id}\\.\\n$`));
    const requests = await fx.server.waitForResponsesRequests(2, 15_000);
    expect(lastUserText(requests[1]!.body)).toBe("via remote");
    expect(await queueLength(id)).toBe(0);
  });

  it("without --remote, a daemon on CODEX_HOME's control socket takes the message (as Codex's local daemon)", async () => {
    const id = await newSession();
    const url = await appServer("unix://");
    expect(url).toBe(`unix://${fx.home}/app-server-control/app-server-control.sock`);
    fx.server.enqueue(turn(sse.message("ran it")));
    const r = await runBin(["queue", "--thread", id, "--message", "via daemon", "--resume"], { env: fx.env() });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const requests = await fx.server.waitForResponsesRequests(2, 15_000);
    expect(lastUserText(requests[1]!.body)).toBe("via daemon");
  });

  it("a message another process queued reaches a thread loaded in the server: thread/queue/changed, then the turn", async () => {
    const id = await newSession();
    const url = await appServer("ws://127.0.0.1:0");
    const client = await AppServerClient.connect(url);
    const seen: string[] = [];
    client.onNotification((method, params) => {
      if ((params as { threadId?: string } | undefined)?.threadId === id) seen.push(method);
    });
    try {
      await client.request("thread/resume", { threadId: id });
      fx.server.enqueue(turn(sse.message("ran it")));
      // No daemon socket in this CODEX_HOME: the CLI writes queue_1.sqlite itself.
      const r = await runBin(["queue", "--thread", id, "--message", "from elsewhere"], { env: fx.env() });
      expect(r.code).toBe(0);
      const requests = await fx.server.waitForResponsesRequests(2, 15_000);
      expect(lastUserText(requests[1]!.body)).toBe("from elsewhere");
      await expect.poll(() => seen.includes("turn/completed"), { timeout: 10_000 }).toBe(true);
      expect(seen.indexOf("thread/queue/changed")).toBeGreaterThanOrEqual(0);
      expect(seen.indexOf("thread/queue/changed")).toBeLessThan(seen.indexOf("turn/started"));
      const listed = (await client.request("thread/queue/list", { threadId: id })) as { data: unknown[] };
      expect(listed.data).toEqual([]);
    } finally {
      client.close();
    }
  });

  it("a message queued during a turn waits for it; an interrupted turn pauses the queue until thread/queue/start", async () => {
    const id = await newSession();
    const url = await appServer("ws://127.0.0.1:0");
    const client = await AppServerClient.connect(url);
    const text = (t: string) => [{ type: "text", text: t, text_elements: [] }];
    try {
      await client.request("thread/resume", { threadId: id });
      fx.server.enqueue(turn(sse.message("working…"), { hold: true }));
      const started = (await client.request("turn/start", { threadId: id, input: text("long job") })) as { turn: { id: string } };
      await fx.server.waitForResponsesRequests(2, 10_000);
      await client.request("thread/queue/add", { threadId: id, input: text("after the job"), clientUserMessageId: "c-1" });
      await client.request("turn/interrupt", { threadId: id, turnId: started.turn.id });
      // Idle now, but its last turn was interrupted: the queue holds (watcher ticks every second).
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(fx.server.responsesRequests()).toHaveLength(2);
      expect(((await client.request("thread/queue/list", { threadId: id })) as { data: unknown[] }).data).toHaveLength(1);

      fx.server.enqueue(turn(sse.message("done")));
      const resumed = (await client.request("thread/queue/start", { threadId: id })) as { turn: { id: string } };
      expect(resumed.turn.id).not.toBe(started.turn.id);
      const requests = await fx.server.waitForResponsesRequests(3, 10_000);
      expect(lastUserText(requests[2]!.body)).toBe("after the job");
      expect(((await client.request("thread/queue/list", { threadId: id })) as { data: unknown[] }).data).toEqual([]);
      await expect(client.request("thread/queue/start", { threadId: id })).rejects.toThrow(/running a turn|nothing queued/);
    } finally {
      client.close();
    }
  });

  it("thread/queue/add, list, reorder, update, delete on the server: QueuedSubmission shapes, Codex's queue_1.sqlite underneath", async () => {
    const id = await newSession();
    const url = await appServer("ws://127.0.0.1:0");
    const client = await AppServerClient.connect(url);
    try {
      // Not loaded in the server: nothing runs, the queue only holds them.
      const text = (t: string) => [{ type: "text", text: t, text_elements: [] }];
      const a = (await client.request("thread/queue/add", { threadId: id, input: text("a"), clientUserMessageId: "c-a" })) as { queuedSubmission: { id: string } };
      const b = (await client.request("thread/queue/add", { threadId: id, input: text("b"), clientUserMessageId: "c-b", responsesapiClientMetadata: { k: "v" } })) as {
        queuedSubmission: { id: string };
      };
      expect(a.queuedSubmission).toEqual({ id: expect.any(String), clientUserMessageId: "c-a", input: text("a"), responsesapiClientMetadata: null });
      await client.request("thread/queue/reorder", { threadId: id, queuedSubmissionIds: [b.queuedSubmission.id, a.queuedSubmission.id] });
      await client.request("thread/queue/update", { threadId: id, queuedSubmissionId: a.queuedSubmission.id, input: text("a2") });
      const listed = (await client.request("thread/queue/list", { threadId: id, limit: 1 })) as { data: { clientUserMessageId: string }[]; nextCursor: string | null };
      expect(listed.data.map((s) => s.clientUserMessageId)).toEqual(["c-b"]);
      const rest = (await client.request("thread/queue/list", { threadId: id, cursor: listed.nextCursor })) as { data: { input: unknown }[]; nextCursor: null };
      expect(rest).toEqual({ data: [expect.objectContaining({ input: text("a2") })], nextCursor: null });
      expect(await client.request("thread/queue/delete", { threadId: id, queuedSubmissionId: b.queuedSubmission.id })).toEqual({ deleted: true });
      expect(await client.request("thread/queue/delete", { threadId: id, queuedSubmissionId: b.queuedSubmission.id })).toEqual({ deleted: false });
      expect(await queueLength(id)).toBe(1);
      await expect(client.request("thread/queue/add", { threadId: "01a25311-a5eb-7200-a509-df8ca0d4f9bb", input: text("x"), clientUserMessageId: "c" })).rejects.toThrow(
        /thread not found/,
      );
      await expect(client.request("thread/queue/reorder", { threadId: id, queuedSubmissionIds: [] })).rejects.toThrow(/exactly once/);
    } finally {
      client.close();
    }
  });
});
