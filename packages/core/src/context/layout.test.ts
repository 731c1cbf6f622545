// The request layout across turns, resume, settings changes and a model switch, against the fake
// Responses server over real HTTP (what Codex 0.169 sends in the same cases, see packages/core/README.md).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import type { SessionDirs } from "../session/test-harness.js";
import { type Harness, say, startSession, useSessionDirs } from "../session/test-harness.js";
import type { Session, SessionOptions } from "../session/session.js";

let dirs: SessionDirs;
const sessions: Session[] = [];
useSessionDirs(
  "codex-layout-",
  (d) => {
    dirs = d;
  },
  async () => {
    for (const s of sessions.splice(0)) await s.shutdown();
  },
);

function start(extra: Partial<SessionOptions> = {}): Harness {
  const h = startSession(dirs.server, dirs.work, {
    baseInstructions: "BASE",
    developerInstructions: "Be terse.",
    approvalPolicy: "on-request",
    sandboxPolicy: { type: "workspace-write", writable_roots: [], network_access: false },
    ...extra,
  });
  sessions.push(h.session);
  return h;
}

type Message = { role: string; content: Array<{ text: string }> };

/** Request `n`'s input messages. */
function inputOf(n: number): Message[] {
  return dirs.server.responsesRequests()[n]!.body.input as Message[];
}

/** A request's input as `role[part heads]`: each part's first line, cut at 29 characters. */
function layout(n: number): string[] {
  return inputOf(n).map((i) => `${i.role}[${i.content.map((c) => c.text.split("\n")[0]!.slice(0, 29)).join(" | ")}]`);
}

const FIRST = [
  "developer[BASE]",
  "developer[Be terse. | <permissions instructions>]",
  "user[# AGENTS.md instructions for  | <environment_context>]",
];

async function run(h: Harness, text: string): Promise<void> {
  h.events.length = 0;
  h.session.submit(say(text));
  await h.turnEnd();
}

describe("what the model is sent", () => {
  it("first turn: base, one developer message of context, one user message of context, the prompt; then nothing again", async () => {
    writeFileSync(path.join(dirs.work, "AGENTS.md"), "Use tabs.");
    dirs.server.enqueue(turn(sse.message("a")), turn(sse.message("b")));
    const h = start();
    await run(h, "one");
    await run(h, "two");
    expect(layout(0)).toEqual([...FIRST, "user[one]"]);
    expect(layout(1)).toEqual([...layout(0), "assistant[a]", "user[two]"]);
    const body = dirs.server.responsesRequests()[1]!.body;
    expect(body).not.toHaveProperty("instructions");
  });

  it("a resumed thread is not told its context again; a changed setting is told alone", async () => {
    writeFileSync(path.join(dirs.work, "AGENTS.md"), "Use tabs.");
    dirs.server.enqueue(turn(sse.message("a")), turn(sse.message("b")), turn(sse.message("c")));
    const first = start();
    await run(first, "one");
    const history = first.session.history();
    await first.session.shutdown();

    const resumed = start({ initialHistory: history, threadId: first.session.threadId });
    await run(resumed, "two");
    expect(layout(1)).toEqual([...layout(0), "assistant[a]", "user[two]"]);

    // Resumed read-only: the permissions part and the environment (its profile) change; no AGENTS.md, no developer instructions.
    await resumed.session.shutdown();
    const readOnly = start({
      initialHistory: resumed.session.history(),
      threadId: first.session.threadId,
      sandboxPolicy: { type: "read-only", network_access: false },
    });
    await run(readOnly, "three");
    expect(layout(2)).toEqual([
      ...layout(1),
      "assistant[b]",
      "developer[<permissions instructions>]",
      "user[<environment_context>]",
      "user[three]",
    ]);
    expect(inputOf(2).at(-2)!.content[0]!.text).toContain('<permission_profile type="managed"><file_system type="restricted"><entry access="read"><special>:root</special></entry></file_system>');
  });

  it("a model switch is a developer message of its own; the base instructions stay the session's", async () => {
    dirs.server.enqueue(turn(sse.message("a")), turn(sse.message("b")));
    const h = start({ modelInstructions: (model) => `INSTRUCTIONS OF ${model}` });
    await run(h, "one");
    h.session.submit({ type: "thread_settings", settings: { model: "gpt-other" } });
    await h.waitFor((e) => e.msg.type === "thread_settings_applied");
    await run(h, "two");
    expect(layout(1).slice(0, 1)).toEqual(["developer[BASE]"]);
    expect(layout(1).slice(-3)).toEqual(["assistant[a]", "developer[<model_switch>]", "user[two]"]);
    expect(inputOf(1).at(-2)!.content[0]!.text).toContain("INSTRUCTIONS OF gpt-other");
  });

  it("a compaction keeps the user messages with the whole context before the last of them, then the summary", async () => {
    dirs.server.enqueue(turn(sse.message("a")), turn(sse.message("b")), turn(sse.message("SUMMARY")), turn(sse.message("d")));
    const h = start();
    await run(h, "one");
    await run(h, "two");
    h.events.length = 0;
    h.session.submit({ type: "compact" });
    await h.waitFor((e) => e.msg.type === "context_compacted");
    await h.turnEnd();
    await run(h, "three");
    const requests = dirs.server.responsesRequests();
    // The summarization request: base instructions, the history, the summarization prompt.
    expect(layout(2).slice(0, -1)).toEqual([...layout(1), "assistant[b]"]);
    expect(layout(2).at(-1)).toMatch(/^user\[You are performing a CONTEXT/);
    // As Codex 0.169: [one, context, two, summary], and the next turn tells nothing again.
    expect(layout(3)).toEqual([
      "developer[BASE]",
      "user[one]",
      "developer[Be terse. | <permissions instructions>]",
      "user[<environment_context>]",
      "user[two]",
      expect.stringMatching(/^user\[Another language model/),
      "user[three]",
    ]);
    expect(requests[3]!.body.client_metadata["x-codex-window-id"]).toBe(`${h.session.threadId}:1`);
  });
});
