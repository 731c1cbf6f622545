import { writeFileSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ResponseItem } from "@codex-ts/protocol";
import { dropLastUserTurns } from "@codex-ts/protocol";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import type { SessionRecorder } from "./recorder.js";
import { type Harness, messageTexts, say, type SessionDirs, startSession, useSessionDirs } from "./test-harness.js";

let dirs: SessionDirs;
let h: Harness | undefined;
useSessionDirs("core-rollback-", (d) => (dirs = d), async () => {
  await h?.session.shutdown();
  h = undefined;
});

const completions = () => h!.events.filter((e) => e.msg.type === "task_complete").length;
const user = (text: string): ResponseItem => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });

describe("thread_rollback", () => {
  it("counts user turns, never harness context", () => {
    const items = [user("<environment_context>x</environment_context>"), user("one"), user("# AGENTS.md instructions\n"), user("two"), user("<user_action>review</user_action>")];
    expect(dropLastUserTurns(items, 1)).toEqual(items.slice(0, 4));
    expect(dropLastUserTurns(items, 2)).toEqual(items.slice(0, 3));
    expect(dropLastUserTurns(items, 9)).toEqual(items.slice(0, 1));
    expect(dropLastUserTurns(items, 0)).toEqual(items);
  });

  it("drops the last turns from what the model sees, records the rollback, leaves files alone", async () => {
    const recorded: unknown[] = [];
    const recorder: SessionRecorder = { recordItems: (items) => recorded.push(...items), recordEvent: (msg) => recorded.push(msg) };
    dirs.server.enqueue(
      turn(sse.message("a1")),
      turn(sse.functionCall("shell_command", { command: "echo two > two.txt" }, { callId: "c1" })),
      turn(sse.message("a2")),
      turn(sse.message("a3")),
      turn(sse.message("a4")),
    );
    h = startSession(dirs.server, dirs.work, { recorder });
    for (const [i, text] of ["one", "two", "three"].entries()) {
      h.session.submit(say(text));
      await h.waitFor(() => completions() === i + 1);
    }
    writeFileSync(path.join(dirs.work, "other.txt"), "kept");
    h.session.submit({ type: "thread_rollback", num_turns: 2 });
    await h.waitFor((e) => e.msg.type === "thread_rolled_back");
    expect(recorded.at(-1)).toEqual({ type: "thread_rolled_back", num_turns: 2 });
    expect(messageTexts(h.session.history()).filter((t) => t.startsWith("user:") && !t.includes("<"))).toEqual(["user:one"]);
    // The file the dropped turn wrote is still there (rollback changes history only).
    expect(readFileSync(path.join(dirs.work, "two.txt"), "utf8").trim()).toBe("two");

    h.session.submit(say("four"));
    await h.waitFor(() => completions() === 4);
    const texts = messageTexts((dirs.server.responsesRequests()[4]!.body as { input: unknown[] }).input);
    expect(texts).toContain("user:one");
    expect(texts).toContain("assistant:a1");
    expect(texts.join("\n")).not.toMatch(/user:two|user:three|a2|a3/);
    expect(texts.at(-1)).toBe("user:four");
  });

  it("is refused while a turn runs", async () => {
    dirs.server.enqueue(turn(sse.message("x"), { hold: true }));
    h = startSession(dirs.server, dirs.work);
    h.session.submit(say("one"));
    await dirs.server.waitForResponsesRequests(1);
    h.session.submit({ type: "thread_rollback", num_turns: 1 });
    const error = await h.waitFor((e) => e.msg.type === "error");
    expect((error.msg as { message: string }).message).toBe("cannot roll back while a turn is in progress");
    h.session.submit({ type: "interrupt" });
    await h.turnEnd();
  });
});
