/**
 * Model server faults against the built `codex-ts exec`: each fault either is retried within the
 * configured bound and the turn succeeds, or the turn fails with a clear error; either way the
 * thread stays usable (`exec resume` runs a next turn that succeeds) and its rollout loads.
 */
import { type FakeResponsesServer, fail, sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import {
  events,
  type HomeOptions,
  loadRollout,
  makeHome,
  rolloutFiles,
  runExec,
  threadIdOf,
  useFaultSuite,
} from "./harness.js";

type Entry = Parameters<FakeResponsesServer["enqueue"]>[0];

interface FaultCase {
  name: string;
  config: HomeOptions;
  script: () => Entry[];
  /** Requests the first turn must make (retries included). */
  requests: number;
  /** undefined: the turn recovers; else a pattern its error must match. */
  error?: RegExp;
  /** Least wall time of the first turn (Retry-After honoured). */
  minMs?: number;
}

const answer = () => turn(sse.message("recovered", { phase: "final_answer" }));

const CASES: FaultCase[] = [
  {
    name: "connection reset mid-stream, retried",
    config: { streamRetries: 2 },
    script: () => [fail.cutStream([sse.message("half")], 3), answer()],
    requests: 2,
  },
  {
    name: "connection reset mid-stream, retries exhausted",
    config: { streamRetries: 2 },
    script: () => [1, 2, 3].map(() => fail.cutStream([sse.message("half")], 3)),
    requests: 3,
    error: /disconnected|reset|aborted|closed/i,
  },
  {
    name: "stalled stream hits the idle timeout",
    config: { streamRetries: 1, idleTimeoutMs: 400 },
    script: () => [turn(sse.message("stuck"), { hold: true }), turn(sse.message("stuck"), { hold: true })],
    requests: 2,
    error: /idle|timed? ?out|stall/i,
  },
  {
    name: "429 with Retry-After, honoured then recovered",
    config: { requestRetries: 2 },
    script: () => [fail.rateLimited(1), answer()],
    requests: 2,
    minMs: 1000,
  },
  {
    name: "429 with Retry-After, retries exhausted",
    config: { requestRetries: 1 },
    script: () => [fail.rateLimited(0), fail.rateLimited(0)],
    requests: 2,
    error: /429|rate limit/i,
  },
  {
    name: "5xx burst within the retry budget",
    config: { requestRetries: 3 },
    script: () => [fail.status(500), fail.status(502), fail.status(503), answer()],
    requests: 4,
  },
  {
    name: "5xx burst beyond the retry budget",
    config: { requestRetries: 2 },
    script: () => [fail.status(500), fail.status(503), fail.status(500)],
    requests: 3,
    error: /500|server error|injected/i,
  },
  { name: "malformed SSE", config: {}, script: () => [fail.malformed()], requests: 1, error: /./ },
  {
    name: "response.failed event",
    config: {},
    script: () => [fail.responseFailed("server_error", "the model fell over")],
    requests: 1,
    error: /fell over|server_error/i,
  },
  {
    name: "enormous response (4 MB message)",
    config: {},
    script: () => [turn(sse.message("x".repeat(4_000_000), { phase: "final_answer" }))],
    requests: 1,
  },
];

describe("model server faults (codex-ts exec)", () => {
  const suite = useFaultSuite("model faults survived", CASES.length);

  for (const c of CASES) {
    it(c.name, { timeout: 90_000 }, async () => {
      const server = await suite.start({ script: c.script() });
      const { home, work } = makeHome(server.url, c.config);
      const first = await runExec(["do the thing"], home, work);
      expect(server.responsesRequests()).toHaveLength(c.requests);
      expect(server.unscripted).toEqual([]);
      const ev = events(first.stdout);
      if (c.error) {
        expect(first.code, first.stderr).not.toBe(0);
        const failed = ev.find((e) => e.type === "turn.failed");
        expect(failed?.error?.message ?? "").toMatch(c.error);
        expect(String(failed?.error?.message).length).toBeLessThan(2000);
      } else {
        expect(first.code, first.stderr).toBe(0);
        expect(ev.some((e) => e.type === "turn.completed")).toBe(true);
      }
      if (c.minMs) expect(first.ms).toBeGreaterThanOrEqual(c.minMs);

      // The thread stays usable: a next turn on it succeeds and sees the first prompt.
      const id = threadIdOf(first.stdout);
      expect(id).toBeTruthy();
      server.enqueue(turn(sse.message("next turn fine", { phase: "final_answer" })));
      const next = await runExec(["resume", id as string, "and again"], home, work);
      expect(next.code, next.stderr).toBe(0);
      expect(events(next.stdout).find((e) => e.type === "item.completed")?.item?.text).toBe("next turn fine");
      const lastBody = JSON.stringify(server.responsesRequests().at(-1)?.body.input);
      expect(lastBody).toContain("do the thing");

      const files = rolloutFiles(home);
      expect(files).toHaveLength(1);
      const rollout = await loadRollout(files[0] as string);
      expect(rollout.truncatedTail).toBe(false);
      expect(rollout.meta?.id).toBe(id);
      suite.survived++;
    });
  }
});
