// What the user said enters the turn: UserPromptSubmit hooks, the UserMessage item and its legacy
// twin, the message itself, explicitly selected skills, hook contexts.
import { type EventMsg, type TurnItem, type UserInput, userInputText } from "@codex-ts/protocol";
import { skillInjectionsForTurn } from "@codex-ts/skills-watcher";
import { v7 as uuidv7 } from "uuid";
import { pluginMentionMessages } from "../context/plugins.js";
import { userInputMessage } from "./context.js";
import { Aborted, type SessionState } from "./state.js";

/** The UserMessage item (+ `user_message`); the message joins the history unless `addToHistory` is false. */
export function recordUserInput(
  s: SessionState,
  subId: string,
  turnId: string,
  input: UserInput[],
  clientId?: string,
  addToHistory = true,
): void {
  const started = Date.now();
  const item: TurnItem = { type: "UserMessage", id: uuidv7(), content: input };
  if (clientId) (item as { client_id?: string }).client_id = clientId;
  s.emitItem(subId, turnId, "started", item, started);
  if (addToHistory) s.history.push(userInputMessage(input, s.settingsState.cwd));
  const images = input.flatMap((i) => (i.type === "image" ? [i.image_url] : []));
  const localImages = input.flatMap((i) => (i.type === "local_image" ? [i.path] : []));
  const event: EventMsg = {
    type: "user_message",
    message: userInputText(input),
    local_images: localImages,
    text_elements: [],
  };
  if (images.length) event.images = images;
  if (clientId) event.client_id = clientId;
  s.emit(subId, event);
  s.emitItem(subId, turnId, "completed", item, started);
}

/**
 * Run UserPromptSubmit for one input, then record it. A blocked (or `continue:false`) prompt is
 * shown as a UserMessage item but stays out of the history; returns false then.
 */
export async function submitPrompt(
  s: SessionState,
  subId: string,
  turnId: string,
  input: UserInput[],
  signal: AbortSignal,
  clientId?: string,
): Promise<boolean> {
  const prompt = await s.hooks.fire(
    subId,
    turnId,
    { event: "UserPromptSubmit", prompt: userInputText(input) },
    signal,
  );
  if (signal.aborted) throw new Aborted();
  s.hooks.systemMessages(subId, prompt);
  if (prompt?.blocked || prompt?.stop) {
    recordUserInput(s, subId, turnId, input, clientId, false);
    const reason = prompt.blocked ? (prompt.blockReason ?? "") : (prompt.stopReason ?? "");
    s.emit(subId, {
      type: "warning",
      message: `UserPromptSubmit hook ${prompt.blocked ? "blocked the prompt" : "stopped the turn"}${reason ? `: ${reason}` : ""}`,
    });
    return false;
  }
  recordUserInput(s, subId, turnId, input, clientId);
  // Explicitly selected skills (`skill` items, `$name` mentions): their SKILL.md follows the message.
  if (s.skills.length > 0) {
    const injected = await skillInjectionsForTurn(input, s.skills);
    if (injected.items.length > 0) s.history.push(...injected.items);
    for (const message of injected.warnings) s.emit(subId, { type: "warning", message });
  }
  // Mentioned plugins: what each brings, as a developer message after the user's (Codex 0.169).
  s.history.push(...pluginMentionMessages(input, s.options.plugins ?? []));
  s.hooks.pushContexts(prompt);
  return true;
}

/** The cwd's skills from the skills cache (loaded once, until the cache is invalidated). */
export async function loadSkills(s: SessionState, subId: string): Promise<void> {
  const cache = s.options.skillsCache;
  if (!cache) return;
  try {
    s.skills = (await cache.get(s.settingsState.cwd)).skills;
  } catch (error) {
    s.skills = [];
    s.emit(subId, {
      type: "warning",
      message: `failed to load skills: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}
