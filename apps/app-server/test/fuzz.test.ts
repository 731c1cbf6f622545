import { seededRandom, sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

const METHODS = [
  "initialize", "thread/start", "thread/resume", "thread/fork", "thread/read", "thread/list", "thread/loaded/list",
  "thread/archive", "thread/unarchive", "thread/name/set", "thread/unsubscribe", "thread/compact/start",
  "turn/start", "turn/interrupt", "turn/steer", "model/list", "config/read", "config/value/write",
  "config/batchWrite", "command/exec", "command/exec/write", "command/exec/terminate", "nope/nothing", "",
];

function randomValue(next: () => number, depth = 0): unknown {
  const pick = Math.floor(next() * (depth > 2 ? 6 : 9));
  switch (pick) {
    case 0: return null;
    case 1: return next() < 0.5;
    case 2: return Math.floor(next() * 2 ** 40) - 2 ** 39;
    case 3: return next() * 1e6;
    case 4: return "x".repeat(Math.floor(next() * 20));
    case 5: return ["thread-" + Math.floor(next() * 100), "../../etc/passwd", "\u0000\ud800", "0197a0c0-0000-7000-8000-000000000000"][Math.floor(next() * 4)];
    case 6: return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
    default: {
      const obj: Record<string, unknown> = {};
      const keys = ["threadId", "turnId", "input", "cwd", "model", "name", "clientInfo", "type", "text", "edits", "keyPath", "value", "command", "processId", "limit", "cursor", "expectedTurnId"];
      for (let i = Math.floor(next() * 4); i > 0; i--) obj[keys[Math.floor(next() * keys.length)] as string] = randomValue(next, depth + 1);
      return obj;
    }
  }
}

/** One malformed (or at least suspicious) line, and whether it carries an id we must answer. */
function malformedLine(next: () => number, n: number): { line: string; id?: number; method?: string } {
  const id = 100_000 + n;
  const method = METHODS[Math.floor(next() * METHODS.length)];
  switch (Math.floor(next() * 10)) {
    case 0: // truncated JSON with a recoverable id
      return { line: JSON.stringify({ id, method, params: randomValue(next) }).slice(0, -1 - Math.floor(next() * 3)), id };
    case 1: // garbage bytes
      return { line: Array.from({ length: 1 + Math.floor(next() * 40) }, () => String.fromCharCode(Math.floor(next() * 0x7e) + 1)).join("").replace(/[\r\n]/g, " ") };
    case 2: // JSON that is not an object
      return { line: JSON.stringify(randomValue(next, 3)) ?? "null" };
    case 3: // wrong types for method / id
      return { line: JSON.stringify({ id, method: randomValue(next, 3), params: randomValue(next) }), id: undefined };
    case 4: // valid envelope, random params (a real request, needs a reply)
      return { line: JSON.stringify({ id, method, params: randomValue(next) }), id, method };
    case 5: // notification with random params (ignored)
      return { line: JSON.stringify({ method, params: randomValue(next) }) };
    case 6: // response to a server request that never existed (ignored)
      return { line: JSON.stringify({ id: Math.floor(next() * 1e6), result: randomValue(next) }) };
    case 7: // error object with bad shape but a usable id
      return { line: JSON.stringify({ id, error: randomValue(next) }), id: undefined };
    case 8: // id that is not a valid RequestId
      return { line: JSON.stringify({ id: next() < 0.5 ? 1.5 : { nested: true }, method }) };
    default: // huge nesting
      return { line: `${"[".repeat(200)}${"]".repeat(200)}` };
  }
}

describe("fuzzing the transport", () => {
  it("survives 10,000 malformed lines, answers every request id, then still works", { timeout: 180_000 }, async () => {
    const server = await fx.boot();
    const next = seededRandom(0xc0dec5);
    const expectAnswer: number[] = [];
    const chunk: string[] = [];
    for (let n = 0; n < 10_000; n++) {
      const { line, id, method } = malformedLine(next, n);
      if (id !== undefined) expectAnswer.push(id);
      if (id !== undefined && method !== undefined) server.trackRequest(id, method);
      chunk.push(line);
      if (chunk.length === 500) {
        server.sendRaw(chunk.join("\n"));
        chunk.length = 0;
      }
    }
    server.sendRaw(chunk.join("\n"));

    // Every id-carrying request gets exactly one answer; the server stays up.
    const last = expectAnswer[expectAnswer.length - 1];
    await server.waitFor((m) => m.id === last && !("method" in m), 120_000, "the last fuzz answer");
    const answered = new Map<number, number>();
    for (const m of server.messages) {
      if (typeof m.id === "number" && m.id >= 100_000 && !("method" in m)) answered.set(m.id, (answered.get(m.id) ?? 0) + 1);
    }
    const missing = expectAnswer.filter((id) => !answered.has(id));
    expect(missing).toEqual([]);
    expect([...answered.values()].every((count) => count === 1)).toBe(true);
    expect(server.child.exitCode).toBeNull();

    // A normal turn still works afterwards.
    fx.fake.enqueue(turn([sse.message("still alive")]));
    const { thread } = await server.call("thread/start", { cwd: fx.home });
    const { turn: t } = await server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "ping" }] });
    const done = await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    expect(done.params.turn.status).toBe("completed");
    expect(done.params.turn.items.some((i: { type: string; text?: string }) => i.type === "agentMessage" && i.text === "still alive")).toBe(true);
  });
});
