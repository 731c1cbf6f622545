/**
 * 10,000 fast-check-generated JSON-RPC lines at one built app-server: it must not crash, must
 * answer every request-shaped line (an id and a string method) exactly once, with a JSON-RPC error
 * whose message is readable when it refuses, and must still serve a normal request afterwards.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppServer } from "./app-server.js";
import { assertBuilt, cleanupDirs, figure, makeHome } from "./harness.js";

const LINES = 10_000;
// Methods that only read or fail without side effects outside CODEX_HOME (no command/exec, no fs writes).
const METHODS = [
  "initialize",
  "thread/start",
  "thread/read",
  "thread/list",
  "thread/resume",
  "thread/fork",
  "thread/archive",
  "thread/name/set",
  "turn/start",
  "turn/interrupt",
  "turn/steer",
  "model/list",
  "config/read",
  "skills/list",
  "thread/loaded/list",
  "nope/nothing",
  "",
  "thread/",
  "THREAD/START",
];
const KEYS = [
  "threadId",
  "turnId",
  "input",
  "cwd",
  "model",
  "name",
  "clientInfo",
  "type",
  "text",
  "limit",
  "cursor",
  "expectedTurnId",
  "path",
];

const value = fc.jsonValue({ maxDepth: 3 });
const params = fc.oneof(value, fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 4 }));

type Line = { text: string; id?: number };

function lineArb(firstId: number): fc.Arbitrary<(n: number) => Line> {
  const method = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...METHODS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );
  const request = fc.tuple(method, params, fc.boolean()).map(([m, p, rpc]) => (n: number): Line => {
    const id = firstId + n;
    return { text: JSON.stringify({ ...(rpc ? { jsonrpc: "2.0" } : {}), id, method: m, params: p }), id };
  });
  const other = fc.oneof(
    fc.string({ maxLength: 60, unit: "binary" }).map((s) => s.replace(/[\r\n\u2028\u2029]/g, " ")),
    fc.tuple(method, params).map(([m, p]) => JSON.stringify({ method: m, params: p })), // notification
    fc.tuple(fc.nat(), value).map(([id, r]) => JSON.stringify({ id: id + 9_000_000, result: r })), // stray response
    fc
      .tuple(fc.oneof(fc.double(), fc.boolean(), fc.object({ maxDepth: 1 }), fc.constant(null)), method)
      .map(([id, m]) => JSON.stringify({ id, method: m })), // bad id
    fc.tuple(method, params).map(([m, p]) => JSON.stringify({ id: 1, method: m, params: p }).slice(0, -2)), // truncated
    value.map((v) => JSON.stringify(v)),
    fc.nat({ max: 300 }).map((d) => "[".repeat(d) + "]".repeat(d)),
  );
  return fc.oneof(
    { weight: 1, arbitrary: request },
    { weight: 1, arbitrary: other.map((text) => (): Line => ({ text })) },
  );
}

describe("fuzzed JSON-RPC at the app-server", () => {
  beforeAll(assertBuilt);
  afterAll(cleanupDirs);

  it(`survives ${LINES.toLocaleString("en")} generated lines and answers every request`, {
    timeout: 120_000,
  }, async () => {
    const { home, work } = makeHome("http://127.0.0.1:9/v1");
    const app = new AppServer(home, work);
    await app.initialize();
    const firstId = 1_000_000;
    const makers = fc.sample(lineArb(firstId), { numRuns: LINES, seed: 0xc0de });
    const lines = makers.map((make, n) => make(n));
    const ids = lines.flatMap((l) => (l.id === undefined ? [] : [l.id]));
    const started = Date.now();
    for (let i = 0; i < lines.length; i += 250)
      app.sendRaw(
        lines
          .slice(i, i + 250)
          .map((l) => l.text)
          .join("\n"),
      );

    const last = ids.at(-1) as number;
    await app.waitFor(() => app.responseTo(last), "the last fuzzed request's answer", 90_000);
    await app.waitFor(
      () => (ids.every((id) => app.responseTo(id)) ? {} : undefined),
      "every fuzzed request's answer",
      20_000,
    );
    const ms = Date.now() - started;
    expect(app.alive).toBe(true);
    expect(app.nonJsonLines).toEqual([]);

    let errors = 0;
    for (const id of ids) {
      const r = app.responseTo(id) as Record<string, any>;
      expect("result" in r || "error" in r, JSON.stringify(r)).toBe(true);
      if (r.error) {
        errors++;
        expect(typeof r.error.code).toBe("number");
        expect(typeof r.error.message === "string" && r.error.message.length > 0, JSON.stringify(r)).toBe(
          true,
        );
      }
    }
    // Each id answered once.
    const answers = app.messages.filter(
      (m) => typeof m.id === "number" && m.id >= firstId && !("method" in m),
    );
    expect(answers.length).toBe(ids.length);

    // Still serving.
    const list = await app.call("thread/list", {});
    expect(Array.isArray(list.data)).toBe(true);
    figure("fuzzed JSON-RPC lines", {
      lines: LINES,
      requests: ids.length,
      errors,
      results: ids.length - errors,
      ms,
      rssMiB: Math.round(app.rssMiB()),
    });
    expect(await app.close()).toBe(0);
  });
});
