// The session emits (and so records) Codex's legacy per-kind events alongside item_* events, so
// real Codex reading our (legacy-mode) rollouts shows every message, patch and search.
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { EventMsg, type RolloutItem } from "@codex-ts/protocol";
import { type FakeResponsesServer, sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rolloutRecorder, type Session } from "./session.js";
import { say, startSession } from "./test-harness.js";

let server: FakeResponsesServer;
let dir: string;
let session: Session | undefined;

beforeEach(async () => {
  server = await startFakeResponsesServer();
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), "codex-legacy-")));
});
afterEach(async () => {
  await session?.shutdown();
  session = undefined;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("legacy events", () => {
  it("records user_message, agent_reasoning, agent_message, web_search_end, patch_apply_end and plan_update", async () => {
    const patch = "*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch";
    server.enqueue(
      turn([sse.reasoning("thinking it over"), sse.webSearch("weather in Paris", { id: "ws-1" }), sse.customToolCall("apply_patch", patch, { callId: "p1" })]),
      turn(sse.functionCall("update_plan", { plan: [{ step: "write file", status: "completed" }] }, { callId: "plan-1" })),
      turn(sse.message("all done", { phase: "final_answer" })),
    );
    const lines: RolloutItem[] = [];
    const h = startSession(server, dir, { recorder: rolloutRecorder({ record: (items) => lines.push(...[items].flat()) }) });
    session = h.session;
    h.session.submit(say("do it"));
    expect((await h.turnEnd()).msg.type).toBe("task_complete");
    expect(readFileSync(path.join(dir, "hello.txt"), "utf8")).toBe("hello\n");
    const events = lines.flatMap((l) => (l.type === "event_msg" ? [l.payload] : []));
    for (const e of events) expect(EventMsg.safeParse(e).success, e.type).toBe(true);
    const types = events.map((e) => e.type);
    for (const t of ["user_message", "agent_reasoning", "web_search_end", "patch_apply_end", "agent_message"]) expect(types).toContain(t);
    expect(events.find((e) => e.type === "web_search_end")).toMatchObject({ call_id: "ws-1", query: "weather in Paris" });
    expect(events.find((e) => e.type === "patch_apply_end")).toMatchObject({
      call_id: "p1",
      success: true,
      status: "completed",
      changes: { [path.join(dir, "hello.txt")]: { type: "add" } },
    });
    expect(events.find((e) => e.type === "plan_update")).toMatchObject({ plan: [{ step: "write file", status: "completed" }] });
    expect(events.find((e) => e.type === "agent_message")).toMatchObject({ message: "all done", phase: "final_answer" });
  });
  it("fans a legacy view_image_tool_call out of a finished ImageView item", async () => {
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    writeFileSync(path.join(dir, "a.png"), Buffer.from(png, "base64"));
    server.enqueue(turn(sse.functionCall("view_image", { path: path.join(dir, "a.png") }, { callId: "v1" })), turn(sse.message("seen")));
    const h = startSession(server, dir);
    session = h.session;
    h.session.submit(say("look"));
    await h.turnEnd();
    const types: string[] = h.events.map((e) => e.msg.type);
    const legacy = h.events.find((e) => e.msg.type === "view_image_tool_call");
    expect(legacy?.msg).toEqual({ type: "view_image_tool_call", call_id: "v1", path: path.join(dir, "a.png") });
    const started = h.events.findIndex((e) => e.msg.type === "item_started" && e.msg.item.type === "ImageView");
    expect(started).toBeGreaterThanOrEqual(0);
    expect(types.indexOf("view_image_tool_call")).toBeGreaterThan(started);
  });
});
