/**
 * The transcript's state machine: v2 notifications and user actions in, the next state out.
 * Pure (no I/O, no clock): tested without rendering.
 */
import type { v2 } from "@codex-ts/protocol";
import { formatDuration, oneLine } from "../format.js";
import { backgroundOnComplete, backgroundOnStart, backgroundOnTurnEnd } from "./background.js";
import type { Action, Cell, NewCell, TuiState } from "./types.js";

export function reduce(state: TuiState, action: Action): TuiState {
  switch (action.type) {
    case "session": {
      let next: TuiState = {
        ...state,
        session: action.session,
        live: [],
        turn: null,
        pending: [],
        tokenUsage: null,
        diff: null,
        picker: null,
        background: [],
      };
      next = addCell(next, { kind: "header", session: action.session, version: action.version });
      for (const turn of action.history ?? []) {
        for (const item of turn.items) next = addCell(next, { kind: "item", item, turnId: turn.id });
      }
      return next;
    }
    case "notification":
      return onNotification(state, action.notification);
    case "serverRequest":
      return { ...state, pending: [...state.pending, action.request] };
    case "requestAnswered":
      return { ...state, pending: state.pending.filter((p) => p.requestId !== action.requestId) };
    case "turnRequested":
      return { ...state, turn: { id: null, startedAt: action.at }, quitArmed: false };
    case "turnRequestFailed":
      return addCell({ ...state, turn: null }, { kind: "error", text: action.message });
    case "cell":
      return addCell(state, action.cell);
    case "quitArmed":
      return state.quitArmed === action.armed ? state : { ...state, quitArmed: action.armed };
    case "backtrackArmed":
      return state.backtrackArmed === action.armed ? state : { ...state, backtrackArmed: action.armed };
    case "mode":
      return { ...state, mode: action.mode };
    case "hooks":
      return { ...state, hooks: action.hooks };
    case "rateLimits":
      return { ...state, rateLimits: action.rateLimits };
    case "reverted": {
      // The terminal keeps what it printed (and <Static> only appends), so the cells stay; those of
      // the dropped turns lose their turn, so backtracking no longer offers them.
      const at = state.cells.findIndex((c) => c.kind === "item" && c.turnId === action.turnId);
      const cells =
        at === -1
          ? state.cells
          : state.cells.map((c, i) =>
              i >= at && c.kind === "item" && c.turnId ? { ...c, turnId: undefined } : c,
            );
      return addCell(
        { ...state, cells, backtrackArmed: false, diff: null },
        {
          kind: "info",
          text: `Rewound to before “${oneLine(action.text, 60)}”: edit it and send it again.`,
        },
      );
    }
    case "sessionUpdate":
      return state.session ? { ...state, session: { ...state.session, ...action.patch } } : state;
    case "picker":
      return { ...state, picker: action.picker };
  }
}

export function addCell(state: TuiState, cell: NewCell): TuiState {
  return {
    ...state,
    cells: [...state.cells, { ...cell, id: String(state.nextId) } as Cell],
    nextId: state.nextId + 1,
  };
}

function onNotification(state: TuiState, n: v2.ServerNotification): TuiState {
  switch (n.method) {
    case "turn/started":
      return {
        ...state,
        turn: { id: n.params.turn.id, startedAt: state.turn?.startedAt ?? n.params.turn.startedAt ?? 0 },
      };
    case "turn/completed":
      return onTurnCompleted(state, n.params.turn);
    case "item/started":
      return {
        ...state,
        live: [...state.live.filter((i) => i.id !== n.params.item.id), n.params.item],
        background: backgroundOnStart(state.background, n.params.item),
      };
    case "item/completed": {
      const id = n.params.item.id;
      const wasLive = state.live.some((i) => i.id === id);
      const background = backgroundOnComplete(state.background, id);
      // A background command outliving its turn was written when the turn ended: its exit only
      // leaves the summary (as in Codex).
      if (!wasLive && background !== state.background) return { ...state, background };
      const live = state.live.filter((i) => i.id !== id);
      return addCell(
        { ...state, live, background },
        { kind: "item", item: n.params.item, turnId: n.params.turnId },
      );
    }
    case "account/rateLimits/updated":
      return { ...state, rateLimits: n.params.rateLimits };
    case "item/agentMessage/delta":
      return updateLive(state, n.params.itemId, (item) =>
        item.type === "agentMessage" ? { ...item, text: item.text + n.params.delta } : item,
      );
    case "item/commandExecution/outputDelta":
      return updateLive(state, n.params.itemId, (item) =>
        item.type === "commandExecution"
          ? { ...item, aggregatedOutput: (item.aggregatedOutput ?? "") + n.params.delta }
          : item,
      );
    case "item/reasoning/summaryTextDelta":
      return updateLive(state, n.params.itemId, (item) => {
        if (item.type !== "reasoning") return item;
        const summary = [...item.summary];
        while (summary.length <= n.params.summaryIndex) summary.push("");
        summary[n.params.summaryIndex] += n.params.delta;
        return { ...item, summary };
      });
    case "item/fileChange/patchUpdated":
      return updateLive(state, n.params.itemId, (item) =>
        item.type === "fileChange" ? { ...item, changes: n.params.changes } : item,
      );
    case "thread/tokenUsage/updated":
      return { ...state, tokenUsage: n.params.tokenUsage };
    case "turn/diff/updated":
      return { ...state, diff: n.params.diff };
    case "turn/plan/updated":
      return addCell(state, { kind: "plan", explanation: n.params.explanation, plan: n.params.plan });
    case "serverRequest/resolved":
      return { ...state, pending: state.pending.filter((p) => p.requestId !== n.params.requestId) };
    case "error":
      return addCell(
        state,
        n.params.willRetry
          ? { kind: "warning", text: `${n.params.error.message} (retrying…)` }
          : { kind: "error", text: n.params.error.message },
      );
    case "warning":
      return addCell(state, { kind: "warning", text: n.params.message });
    case "configWarning":
      return addCell(state, { kind: "warning", text: n.params.summary });
    case "thread/compacted":
      return addCell(state, { kind: "info", text: "Context compacted" });
    case "model/rerouted":
      return addCell(state, {
        kind: "warning",
        text: `Model rerouted from ${n.params.fromModel} to ${n.params.toModel}`,
      });
    case "hook/completed": {
      const run = n.params.run;
      const message = run.statusMessage ? `: ${run.statusMessage}` : "";
      return addCell(state, { kind: "info", text: `${run.eventName} hook ${run.status}${message}` });
    }
    default:
      return state;
  }
}

function onTurnCompleted(state: TuiState, turn: v2.Turn): TuiState {
  // Items the server never completed (an interrupt) are written as they stand.
  const background = backgroundOnTurnEnd(state.background, state.live);
  let next: TuiState = { ...state, turn: null, live: [], pending: [], background };
  for (const item of state.live) next = addCell(next, { kind: "item", item });
  if (turn.status === "interrupted") {
    next = addCell(next, {
      kind: "error",
      text: "Conversation interrupted - tell the model what to do differently.",
    });
  } else if (turn.status === "failed" && turn.error) {
    next = addCell(next, { kind: "error", text: turn.error.message });
  } else if (turn.status === "completed" && state.turn) {
    const ms =
      turn.durationMs ??
      (turn.completedAt && turn.startedAt ? (turn.completedAt - turn.startedAt) * 1000 : null);
    if (ms !== null) next = addCell(next, { kind: "separator", text: `Worked for ${formatDuration(ms)}` });
  }
  return next;
}

function updateLive(state: TuiState, id: string, update: (item: v2.ThreadItem) => v2.ThreadItem): TuiState {
  const at = state.live.findIndex((i) => i.id === id);
  if (at === -1) return state;
  const live = [...state.live];
  live[at] = update(live[at]!);
  return { ...state, live };
}

/** Percent of the context window left, as Codex's status line computes it; null when unknown. */
export function contextLeftPercent(usage: v2.ThreadTokenUsage | null): number | null {
  if (!usage?.modelContextWindow) return null;
  // Codex reserves a baseline of tokens the user cannot spend (system prompt, tools).
  const BASELINE = 12_000;
  const window = usage.modelContextWindow;
  if (window <= BASELINE) return 0;
  const used = Math.max(0, usage.last.totalTokens - BASELINE);
  const left = Math.max(0, window - BASELINE - used);
  return Math.round((left / (window - BASELINE)) * 100);
}
