/**
 * A model writing to a running command (`write_stdin`) as real Codex 0.169 reports it: an
 * `item/commandExecution/terminalInteraction` per write (a poll with no chars too) naming the
 * exec_command's item and process, and exec_command items with `source: "unifiedExecStartup"`.
 */
import { type RecordedRequest, sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

/** The session id exec_command's output told the model. */
function sessionIdOf(request: RecordedRequest): number {
  const outputs = (request.body as { input: Array<{ type: string; output?: unknown }> }).input.filter((i) => i.type === "function_call_output");
  const id = /session ID (\d+)/.exec(JSON.stringify(outputs.at(-1)?.output))?.[1];
  if (!id) throw new Error("no session id in exec_command's output");
  return Number(id);
}

describe("item/commandExecution/terminalInteraction", () => {
  it("is sent for every write_stdin to the command's item, as Codex 0.169; exec_command items are unifiedExecStartup", async () => {
    let sid = 0;
    const write = (callId: string, chars: string, yieldMs: number) => ({
      kind: "dynamic" as const,
      respond: (request: RecordedRequest) => {
        if (sid === 0) sid = sessionIdOf(request);
        return turn([sse.functionCall("write_stdin", { session_id: sid, chars, yield_time_ms: yieldMs }, { callId })]);
      },
    });
    fx.fake.enqueue(
      turn([sse.functionCall("exec_command", { cmd: "cat", tty: true, yield_time_ms: 300 }, { callId: "c1" })]),
      write("c2", "hello\n", 500),
      write("c3", "", 200),
      write("c4", "\u0004", 2000),
      turn([sse.message("done")]),
    );
    const s = await fx.boot({ extraConfig: 'sandbox_mode = "danger-full-access"\n' });
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const { turnId } = await runTurn(s, thread.id, "type into cat");

    const started = s.notifications("item/started").find((m) => m.params.item.id === "c1")!.params.item as { source: string };
    expect(started.source).toBe("unifiedExecStartup");
    const completed = s.notifications("item/completed").find((m) => m.params.item.id === "c1")!.params.item as { processId: string; aggregatedOutput: string };
    expect(completed.aggregatedOutput).toContain("hello");
    const interactions = s.notifications("item/commandExecution/terminalInteraction").map((m) => m.params);
    expect(interactions).toEqual(
      ["hello\n", "", "\u0004"].map((stdin) => ({ threadId: thread.id, turnId, itemId: "c1", processId: completed.processId, stdin })),
    );
    expect(completed.processId).toBe(String(sid));
  });
});
