import { describe, expect, it } from "vitest";
import { reduce } from "./state/reducer.js";
import { initialState, type TuiState } from "./state/types.js";
import { statusLines } from "./status.js";

const session = {
  threadId: "t-1",
  model: "gpt-test",
  reasoningEffort: "high",
  cwd: "/work",
  approvalPolicy: "on-request",
  sandbox: "workspace-write",
};

describe("statusLines", () => {
  it("lists each rate-limit window the server reported, with the share used and the reset time", () => {
    let state: TuiState = reduce(initialState, { type: "session", session, version: "0.169.0" });
    const now = new Date(2026, 11, 7, 10, 0);
    expect(statusLines(state, now).at(-1)).toMatch(/^Limits: +no data yet/);
    const resets = (h: number, d = 7) => new Date(2026, 11, d, h, 5).getTime() / 1000;
    state = reduce(state, {
      type: "notification",
      notification: {
        method: "account/rateLimits/updated",
        params: {
          rateLimits: {
            limitId: "codex",
            limitName: null,
            primary: { usedPercent: 42, windowDurationMins: 300, resetsAt: resets(14) },
            secondary: { usedPercent: 7, windowDurationMins: 10_080, resetsAt: resets(9, 12) },
          },
        },
      } as never,
    });
    const lines = statusLines(state, now);
    expect(lines).toContain(`5h limit:     [████████░░░░░░░░░░░░] 42% used (resets 14:05)`);
    expect(lines).toContain(`Weekly limit: [█░░░░░░░░░░░░░░░░░░░] 7% used (resets 09:05 on 12 Dec)`);
    expect(lines).toContain("Mode:         Default");
    state = reduce(state, { type: "mode", mode: "plan" });
    expect(statusLines(state, now)).toContain("Mode:         Plan");
  });
});
