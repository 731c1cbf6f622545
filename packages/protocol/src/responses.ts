/**
 * OpenAI Responses API shapes as Codex speaks them: the `ResponseItem`s that make up a
 * conversation history (sent to the model, persisted in rollouts as `response_item` lines)
 * and the streaming SSE event payloads the model client parses.
 *
 * Wire casing is snake_case, exactly as codex-rs writes it. Reading is tolerant:
 * - unknown item `type`s read as `{type: "other"}` (Codex's `#[serde(other)]`), unknown
 *   web-search actions as `{type: "other"}`;
 * - `null` for a field Codex omits when absent reads as absent;
 * - legacy `compaction_summary` reads as `compaction`.
 * Writing is canonical: absent optional fields are omitted, always-written nullable fields
 * (`reasoning.encrypted_content`, `local_shell_call.call_id`) are `null`.
 *
 * Split by seam: ./responses/helpers.ts (field helpers, unknown-type fallback),
 * ./responses/content.ts (content parts, tool output bodies, actions), ./responses/items.ts
 * (`ResponseItem` and its variants), ./responses/stream.ts (SSE stream events).
 */
export { nullableField, omittableField, withUnknownTypeFallback } from "./responses/helpers.js";
export * from "./responses/content.js";
export * from "./responses/items.js";
export * from "./responses/stream.js";
