import { describe, expect, it } from "vitest";
import { describeZodError } from "../jsonrpc.js";
import { ThreadStartParams } from "./requests.js";
import { TurnStartParams } from "./turn-requests.js";
import { Thread, ThreadItem, UserInput } from "./thread.js";

const baseThread = {
  id: "t1",
  sessionId: "s1",
  preview: "hi",
  ephemeral: false,
  modelProvider: "openai",
  createdAt: 1,
  updatedAt: 2,
  status: { type: "idle" },
  cwd: "/tmp",
  cliVersion: "0.169.0",
  source: "appServer",
  projectId: null,
  turns: [],
};

describe("v2 Thread / ThreadItem", () => {
  it("reads a thread with absent optional fields and writes them as null", () => {
    const thread = Thread.parse({ ...baseThread, somethingNew: 1 });
    expect(thread.name).toBeNull();
    expect(thread.gitInfo).toBeNull();
    expect("somethingNew" in thread).toBe(false);
    expect(JSON.parse(JSON.stringify(thread)).agentNickname).toBeNull();
  });

  it("parses every item kind by its type and fills the timing fields", () => {
    const item = ThreadItem.parse({ type: "agentMessage", id: "i1", text: "done", phase: "final_answer" });
    expect(item).toMatchObject({
      type: "agentMessage",
      phase: "final_answer",
      startedAtMs: null,
      completedAtMs: null,
    });
    const reasoning = ThreadItem.parse({ type: "reasoning", id: "r" });
    expect(reasoning).toMatchObject({ summary: [], content: [] });
    const cmd = ThreadItem.parse({
      type: "commandExecution",
      id: "c",
      command: "ls",
      cwd: "/",
      status: "completed",
      commandActions: [{ type: "unknown", command: "ls" }],
      startedAtMs: 5,
    });
    expect(cmd).toMatchObject({ source: "agent", exitCode: null, startedAtMs: 5 });
  });

  it("names the failing path on bad input", () => {
    const result = ThreadItem.safeParse({ type: "commandExecution", id: "c", command: 3 });
    expect(result.success).toBe(false);
    if (!result.success) expect(describeZodError(result.error)).toMatch(/^command: /);
    const unknown = ThreadItem.safeParse({ type: "nope", id: "x" });
    expect(unknown.success).toBe(false);
  });

  it("requires exactly one of url and fileId on image input", () => {
    expect(UserInput.safeParse({ type: "image", url: "https://x/y.png" }).success).toBe(true);
    const both = UserInput.safeParse({ type: "image", url: "u", fileId: "f" });
    expect(both.success).toBe(false);
    if (!both.success) expect(describeZodError(both.error)).toMatch(/^url: exactly one/);
    expect(UserInput.safeParse({ type: "image" }).success).toBe(false);
  });
});

describe("v2 params", () => {
  it("treats null params fields as absent", () => {
    const params = ThreadStartParams.parse({ model: null, cwd: "/w" });
    expect(params.model).toBeUndefined();
    expect(params.cwd).toBe("/w");
  });

  it("reads turn/start input", () => {
    const params = TurnStartParams.parse({ threadId: "t", input: [{ type: "text", text: "hi" }] });
    expect(params.input[0]).toEqual({ type: "text", text: "hi", text_elements: [] });
    const bad = TurnStartParams.safeParse({ threadId: "t", input: [{ type: "text" }] });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(describeZodError(bad.error)).toMatch(/^input\.0\.text: /);
  });
});

describe("experimental params the app-server needs", () => {
  it("keeps dynamicTools and collaborationMode", async () => {
    const { ThreadStartParams: Start } = await import("./requests.js");
    const { TurnStartParams: Turn } = await import("./turn-requests.js");
    const start = Start.parse({
      dynamicTools: [{ type: "function", name: "lookup", description: "d", inputSchema: { type: "object" } }],
    });
    expect(start.dynamicTools?.[0]?.name).toBe("lookup");
    const turn = Turn.parse({
      threadId: "t",
      input: [],
      collaborationMode: { mode: "plan", settings: { model: "m", reasoning_effort: null, developer_instructions: null } },
    });
    expect(turn.collaborationMode?.mode).toBe("plan");
  });
});
