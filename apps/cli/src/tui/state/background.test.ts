import type { v2 } from "@codex-ts/protocol";
import { describe, expect, it } from "vitest";
import { backgroundLines, backgroundSummary } from "./background.js";
import { reduce } from "./reducer.js";
import { initialState, type TuiState } from "./types.js";

const command = (id: string, source: string, status = "inProgress") =>
  ({
    type: "commandExecution",
    id,
    command: `/bin/bash -lc 'sleep 9 # ${id}'`,
    cwd: "/w",
    processId: null,
    source,
    status,
    commandActions: [],
    aggregatedOutput: null,
    exitCode: null,
    durationMs: null,
  }) as unknown as v2.ThreadItem;

const note = (state: TuiState, method: string, params: object): TuiState =>
  reduce(state, { type: "notification", notification: { method, params } as never });

describe("background terminals", () => {
  it("counts unified-exec sessions from their start and agent commands left running by their turn", () => {
    let s = reduce(initialState, { type: "turnRequested", at: 0 });
    s = note(s, "item/started", { threadId: "t", turnId: "u", item: command("a", "unifiedExecStartup") });
    s = note(s, "item/started", { threadId: "t", turnId: "u", item: command("b", "agent") });
    expect(backgroundSummary(s.background)).toBe("1 background terminal running · /ps to view");
    s = note(s, "turn/completed", { threadId: "t", turn: { id: "u", items: [], status: "completed" } });
    expect(s.background.map((b) => b.id)).toEqual(["a", "b"]);
    expect(backgroundSummary(s.background)).toBe("2 background terminals running · /ps to view");
    expect(backgroundLines(s.background)).toEqual([
      "Background terminals (2)",
      "  • sleep 9 # a",
      "  • sleep 9 # b",
    ]);
    const cells = s.cells.length;
    // Its exit after the turn only leaves the summary: the command was written when the turn ended.
    s = note(s, "item/completed", {
      threadId: "t",
      turnId: "u",
      item: command("a", "unifiedExecStartup", "completed"),
    });
    expect(s.background.map((b) => b.id)).toEqual(["b"]);
    expect(s.cells.length).toBe(cells);
    s = note(s, "item/completed", { threadId: "t", turnId: "u", item: command("b", "agent", "failed") });
    expect(backgroundSummary(s.background)).toBeNull();
    expect(backgroundLines(s.background)).toEqual(["No background terminals running."]);
  });

  it("a unified-exec command finishing inside its turn is written as a cell and leaves the count", () => {
    let s = reduce(initialState, { type: "turnRequested", at: 0 });
    s = note(s, "item/started", { threadId: "t", turnId: "u", item: command("a", "unifiedExecStartup") });
    s = note(s, "item/completed", {
      threadId: "t",
      turnId: "u",
      item: command("a", "unifiedExecStartup", "completed"),
    });
    expect(s.background).toEqual([]);
    expect(s.cells.at(-1)).toMatchObject({ kind: "item", item: { id: "a", status: "completed" } });
  });
});
