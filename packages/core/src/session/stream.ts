// One streamed model response: Responses events become output items, turn items, item-tied text
// deltas (agent_message_content_delta, reasoning_*_delta) and the per-kind events Codex 0.169 still
// emits (agent_message, agent_reasoning, web_search_*).
import type { EventMsg, ResponseItem, TurnItem } from "@codex-ts/protocol";
import { v7 as uuidv7 } from "uuid";
import { ModelError, type ModelEvent, type ResponsesRequest } from "../client/model-client.js";
import { modelClient, recordUsage } from "./sampling.js";
import type { SessionState } from "./state.js";

/** One request, no retries: the output items, or the error that ended the stream. */
export async function sampleOnce(
  s: SessionState,
  subId: string,
  turnId: string,
  request: ResponsesRequest,
  signal: AbortSignal,
  emitItems: boolean,
): Promise<{ ok: true; items: ResponseItem[] } | { ok: false; error: ModelError }> {
  const items: ResponseItem[] = [];
  // Items started but not completed yet, by server item id.
  const open = new Map<string, { item: TurnItem; started: number; text: string[] }>();
  const keyOf = (item: ResponseItem, fallback: string) =>
    "id" in item && typeof item.id === "string" ? item.id : fallback;
  let lastKey: string | undefined;
  const ids = (itemId: string) => ({ thread_id: s.threadId, turn_id: turnId, item_id: itemId });
  let rerouted = false;

  const startItem = (key: string, item: TurnItem) => {
    const entry = { item, started: Date.now(), text: [] as string[] };
    open.set(key, entry);
    if (emitItems) s.emitItem(subId, turnId, "started", item, entry.started);
    return entry;
  };
  const closeOpen = () => {
    for (const [key, entry] of open) {
      open.delete(key);
      if (entry.item.type === "AgentMessage")
        entry.item.content = [{ type: "Text", text: entry.text.join("") }];
      if (emitItems) s.emitItem(subId, turnId, "completed", entry.item, entry.started);
    }
  };

  const handle = (event: ModelEvent) => {
    switch (event.type) {
      case "rate_limits":
        Object.assign(s.services.rateLimits, event.snapshots);
        return;
      case "server_model":
        if (!rerouted && event.model !== request.model) {
          rerouted = true;
          s.emit(subId, {
            type: "model_reroute",
            from_model: request.model,
            to_model: event.model,
            reason: "high_risk_cyber_activity",
          });
        }
        return;
      case "output_item_added": {
        const key = keyOf(event.item, uuidv7());
        lastKey = key;
        if (event.item.type === "message" && event.item.role === "assistant") {
          const item: TurnItem = { type: "AgentMessage", id: key, content: [] };
          if (event.item.phase) item.phase = event.item.phase;
          startItem(key, item);
        } else if (event.item.type === "reasoning") {
          startItem(key, { type: "Reasoning", id: key, summary_text: [], raw_content: [] });
        } else if (event.item.type === "web_search_call") {
          const query = event.item.action?.type === "search" ? (event.item.action.query ?? "") : "";
          startItem(key, {
            type: "WebSearch",
            id: key,
            query,
            action: event.item.action ?? { type: "other" },
          });
          if (emitItems) s.emit(subId, { type: "web_search_begin", call_id: key });
        }
        return;
      }
      case "output_text_delta": {
        const itemId = event.itemId ?? lastKey ?? "";
        open.get(itemId)?.text.push(event.delta);
        if (emitItems) s.emit(subId, { type: "agent_message_content_delta", ...ids(itemId), delta: event.delta });
        return;
      }
      case "reasoning_summary_delta":
        if (emitItems) {
          const at = ids(event.itemId ?? lastKey ?? "");
          s.emit(subId, { type: "reasoning_content_delta", ...at, delta: event.delta, summary_index: event.summaryIndex });
        }
        return;
      case "reasoning_summary_part_added":
        // Every part, the first included (Codex 0.169's app-server announces part 0 too).
        if (emitItems) {
          const itemId = event.itemId ?? lastKey;
          const msg: EventMsg = { type: "agent_reasoning_section_break", summary_index: event.summaryIndex };
          if (itemId) msg.item_id = itemId;
          s.emit(subId, msg);
        }
        return;
      case "reasoning_content_delta":
        if (emitItems) {
          const at = ids(event.itemId ?? lastKey ?? "");
          s.emit(subId, { type: "reasoning_raw_content_delta", ...at, delta: event.delta, content_index: event.contentIndex });
        }
        return;
      case "output_item_done": {
        const item = event.item;
        items.push(item);
        const key = keyOf(item, lastKey ?? uuidv7());
        const entry = open.get(key);
        open.delete(key);
        if (!emitItems) return;
        if (item.type === "message" && item.role === "assistant") {
          const text = item.content.flatMap((c) => (c.type === "output_text" ? [c.text] : [])).join("");
          const turnItem: TurnItem = { type: "AgentMessage", id: key, content: [{ type: "Text", text }] };
          if (item.phase) turnItem.phase = item.phase;
          const started = entry?.started ?? Date.now();
          if (!entry) s.emitItem(subId, turnId, "started", turnItem, started);
          const msg: EventMsg = { type: "agent_message", message: text };
          if (item.phase) msg.phase = item.phase;
          s.emit(subId, msg);
          s.emitItem(subId, turnId, "completed", turnItem, started);
        } else if (item.type === "reasoning") {
          const turnItem: TurnItem = {
            type: "Reasoning",
            id: key,
            summary_text: item.summary.map((part) => part.text),
            raw_content: (item.content ?? []).map((c) => c.text),
          };
          const started = entry?.started ?? Date.now();
          if (!entry) s.emitItem(subId, turnId, "started", turnItem, started);
          for (const part of item.summary) s.emit(subId, { type: "agent_reasoning", text: part.text });
          s.emitItem(subId, turnId, "completed", turnItem, started);
        } else if (item.type === "web_search_call") {
          const action = item.action ?? { type: "other" as const };
          const query = action.type === "search" ? (action.query ?? "") : "";
          const turnItem: TurnItem = { type: "WebSearch", id: key, query, action };
          const started = entry?.started ?? Date.now();
          if (!entry) s.emitItem(subId, turnId, "started", turnItem, started);
          s.emit(subId, { type: "web_search_end", call_id: key, query, action });
          s.emitItem(subId, turnId, "completed", turnItem, started);
        }
        return;
      }
      case "completed":
        if (event.usage) recordUsage(s, subId, event.usage);
        return;
      default:
        return;
    }
  };

  try {
    for await (const event of modelClient(s).stream(request, signal)) handle(event);
    return { ok: true, items };
  } catch (error) {
    closeOpen();
    if (error instanceof ModelError) return { ok: false, error };
    return {
      ok: false,
      error: new ModelError("stream", error instanceof Error ? error.message : String(error), false),
    };
  }
}
