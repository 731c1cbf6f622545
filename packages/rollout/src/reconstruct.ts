/**
 * Rebuilds what a rollout describes:
 * - {@link reconstructThread}: the Thread → Turns → ThreadItems view (thread/read, resume).
 * - {@link reconstructHistory}: the model-visible history (what a resumed session sends).
 *
 * Turn boundaries come from `task_started` / `task_complete` / `turn_aborted`. Rollouts without
 * them (older Codex) are grouped the way Codex groups them: each user message opens a new
 * implicit turn (`rollout-<index of that event among the event_msg lines>`), and everything until
 * the next user message belongs to it.
 *
 * Items come from `item_started` / `item_completed` events (Codex 0.169 "paginated" rollouts)
 * and from the legacy per-kind events (`user_message`, `agent_message`, `agent_reasoning`,
 * `exec_command_end`, `patch_apply_end`, `mcp_tool_call_end`, `web_search_end`,
 * `view_image_tool_call`, `context_compacted`, review mode). When a turn has both for one kind,
 * the legacy events win and the item events of that kind are ignored, so nothing appears twice —
 * this is what real Codex 0.169 `thread/read` returns for such rollouts. As in Codex, items built
 * from legacy events are numbered `item-1`, `item-2`, … across the thread and carry no times.
 *
 * Items are converted by ./v2-items.ts (item events) and ./legacy-items.ts (legacy events).
 *
 * The output is checked against real Codex 0.169 `thread/read` responses in the tests.
 */
import { dropLastUserTurns, type ResponseItem, type RolloutLine, type v2 } from "@codex-ts/protocol";
import { GENERATED_ID_EVENTS, LEGACY_ITEM_EVENTS, legacyEventToV2 } from "./legacy-items.js";
import { turnItemToV2 } from "./v2-items.js";

export { shellJoin } from "./v2-items.js";

export interface ReconstructOptions {
  /**
   * The turn that is still running (a loaded thread). A turn left open by the file is reported
   * `inProgress` only if it is this one; otherwise it was cut short and reads `interrupted`.
   */
  activeTurnId?: string | null;
}

export interface ReconstructedThread {
  turns: v2.Turn[];
  /**
   * Problems met while rebuilding (named, with the reason); the rest is still returned. Items are
   * built from lines the reader validated, so none is dropped today and this stays empty.
   */
  warnings: string[];
}

type Origin = "item" | "legacy";

interface BuildingTurn {
  id: string;
  explicit: boolean;
  items: { item: v2.ThreadItem; origin: Origin }[];
  hasUserMessage: boolean;
  status: v2.TurnStatus | null;
  error: v2.TurnError | null;
  rootTurnId: string | null;
  startedAt: number | null;
  completedAt: number | null;
  durationMs: number | null;
}

/**
 * Kinds where an `item_completed` beats the legacy event. Codex 0.169's `thread/read` ignores
 * both `exec_command_end` / `view_image_tool_call` and non-Plan `item_completed` in legacy-mode
 * rollouts; codex-ts shows them (extended persistence exists to rebuild them), preferring the
 * richer item event.
 */
const ITEM_PREFERRED_KINDS: ReadonlySet<string> = new Set(["commandExecution", "imageView"]);

/** Rebuilds the turns (and their v2 items) a rollout records. Never throws. */
export function reconstructThread(
  lines: readonly RolloutLine[],
  options: ReconstructOptions = {},
): ReconstructedThread {
  const turns: v2.Turn[] = [];
  const warnings: string[] = [];
  let current: BuildingTurn | null = null;
  /** Index of the current line among the `event_msg` lines. */
  let eventIndex = -1;
  let legacyCount = 0;
  const nextLegacyId = () => {
    legacyCount += 1;
    return `item-${legacyCount}`;
  };

  const open = (
    id: string,
    explicit: boolean,
    startedAt: number | null,
    rootTurnId: string | null = null,
  ): BuildingTurn => ({
    id,
    explicit,
    items: [],
    hasUserMessage: false,
    status: null,
    error: null,
    rootTurnId,
    startedAt,
    completedAt: null,
    durationMs: null,
  });

  const finish = (turn: BuildingTurn | null, atEnd = false) => {
    if (turn === null) return;
    const kinds = (origin: Origin) =>
      new Set(turn.items.filter((entry) => entry.origin === origin).map((entry) => entry.item.type));
    const legacyKinds = kinds("legacy");
    const itemKinds = kinds("item");
    const items = turn.items
      .filter((entry) => {
        const itemWins = ITEM_PREFERRED_KINDS.has(entry.item.type);
        return entry.origin === "legacy"
          ? !(itemWins && itemKinds.has(entry.item.type))
          : itemWins || !legacyKinds.has(entry.item.type);
      })
      .map((entry) => entry.item);
    let status = turn.status;
    if (status === null) {
      if (!turn.explicit) status = "completed";
      else if (atEnd && options.activeTurnId === turn.id) status = "inProgress";
      else status = "interrupted";
    }
    if (status === "completed" && turn.error !== null) status = "failed";
    turns.push({
      id: turn.id,
      items,
      itemsView: "full",
      status,
      error: turn.error,
      startedAt: turn.startedAt,
      completedAt: turn.completedAt,
      durationMs: turn.durationMs,
      rootTurnId: turn.rootTurnId,
    });
  };

  /** Codex names an implicit turn after the index of the event that opened it. */
  const openImplicit = (): BuildingTurn => open(`rollout-${eventIndex}`, false, null);

  /** The turn an item goes into; a user message outside an explicit turn starts a new one. */
  const turnFor = (isUserMessage: boolean): BuildingTurn => {
    if (current === null) current = openImplicit();
    else if (isUserMessage && !current.explicit && current.hasUserMessage) {
      finish(current);
      current = openImplicit();
    }
    if (isUserMessage) current.hasUserMessage = true;
    return current;
  };

  const addItem = (turn: BuildingTurn, item: v2.ThreadItem, origin: Origin) => {
    const existing = turn.items.findIndex(
      (entry) => entry.item.id === item.id && entry.item.type === item.type,
    );
    if (existing >= 0) {
      const previous = turn.items[existing];
      // Keep the start time an item_started event recorded when the completion lacks one.
      if (previous !== undefined && item.startedAtMs === null) item.startedAtMs = previous.item.startedAtMs;
      turn.items[existing] = { item, origin };
    } else turn.items.push({ item, origin });
  };

  /** Appends to the last legacy reasoning item of the turn, or starts one. */
  const addLegacyReasoning = (turn: BuildingTurn, text: string, raw: boolean) => {
    const last = turn.items.at(-1);
    if (last !== undefined && last.origin === "legacy" && last.item.type === "reasoning") {
      if (raw) last.item.content.push(text);
      else last.item.summary.push(text);
      return;
    }
    const id = nextLegacyId();
    addItem(
      turn,
      {
        type: "reasoning",
        id,
        summary: raw ? [] : [text],
        content: raw ? [text] : [],
        startedAtMs: null,
        completedAtMs: null,
      },
      "legacy",
    );
  };

  lines.forEach((line) => {
    if (line.type !== "event_msg") return;
    eventIndex += 1;
    const event = line.payload;
    switch (event.type) {
      case "task_started":
        finish(current);
        current = open(event.turn_id, true, event.started_at ?? null, event.root_turn_id ?? null);
        return;
      case "task_complete":
      case "turn_aborted": {
        if (
          current === null ||
          (event.turn_id !== undefined && event.turn_id !== "" && current.id !== event.turn_id)
        )
          return;
        current.status = event.type === "task_complete" ? "completed" : "interrupted";
        current.completedAt = event.completed_at ?? null;
        current.durationMs = event.duration_ms ?? null;
        finish(current);
        current = null;
        return;
      }
      case "thread_rolled_back":
        // The last N turns were dropped (thread/revert): they leave the thread's turns.
        finish(current);
        current = null;
        turns.splice(Math.max(0, turns.length - event.num_turns));
        return;
      case "error":
        if (current !== null) {
          current.error = {
            message: event.message,
            codexErrorInfo: null,
            additionalDetails: null,
            misalignment: null,
          };
        }
        return;
      case "item_started":
      case "item_completed": {
        const turn = turnFor(event.item.type === "UserMessage");
        const started = event.started_at_ms ?? null;
        const completed = event.type === "item_completed" ? (event.completed_at_ms ?? null) : null;
        const item = turnItemToV2(event.item, started, completed);
        if (item !== null) addItem(turn, item, "item");
        return;
      }
      case "agent_reasoning":
      case "agent_reasoning_raw_content":
        addLegacyReasoning(turnFor(false), event.text, event.type === "agent_reasoning_raw_content");
        return;
      default: {
        if (!LEGACY_ITEM_EVENTS.has(event.type)) return;
        const turn = turnFor(event.type === "user_message");
        const item = legacyEventToV2(event, GENERATED_ID_EVENTS.has(event.type) ? nextLegacyId() : "");
        if (item !== null) addItem(turn, item, "legacy");
      }
    }
  });
  finish(current, true);
  return { turns, warnings };
}

/**
 * The model-visible history a rollout ends with: its response items in order, with each
 * compaction's `replacement_history` replacing everything before it. A legacy compaction
 * without one keeps the user messages so far and adds the summary as a user message. A
 * `thread_rolled_back` event drops the last N user turns.
 */
export function reconstructHistory(lines: readonly RolloutLine[]): ResponseItem[] {
  let history: ResponseItem[] = [];
  for (const line of lines) {
    if (line.type === "response_item") history.push(line.payload);
    else if (line.type === "event_msg" && line.payload.type === "thread_rolled_back")
      history = dropLastUserTurns(history, line.payload.num_turns);
    else if (line.type === "compacted") {
      if (line.payload.replacement_history !== undefined) history = [...line.payload.replacement_history];
      else {
        const users = history.filter((item) => item.type === "message" && item.role === "user");
        history = [
          ...users,
          { type: "message", role: "user", content: [{ type: "input_text", text: line.payload.message }] },
        ];
      }
    }
  }
  return history;
}
