/**
 * Prompt recall across sessions: `CODEX_HOME/history.jsonl` through @codex-ts/message-history
 * (Codex's file format, shared with real Codex).
 */
import { MessageHistory } from "@codex-ts/message-history";

/** How many of the newest entries are loaded for recall at start. */
const RECALL_LIMIT = 500;

export interface PromptHistory {
  /** Earlier prompts, oldest first (the newest RECALL_LIMIT of history.jsonl). */
  entries: string[];
  record(sessionId: string, text: string): void;
}

/**
 * Opens history.jsonl for recall and recording. Invalid `[history]` settings fall back to the
 * defaults; null only when even those cannot open the file. An unreadable history means nothing to
 * recall, never a failure of the TUI.
 */
export async function openPromptHistory(codexHome: string, settings: unknown): Promise<PromptHistory | null> {
  const made = MessageHistory.fromSettings(codexHome, settings);
  const opened = made.ok ? made : MessageHistory.fromSettings(codexHome, {});
  if (!opened.ok) return null;
  const file = opened.history;
  const entries: string[] = [];
  try {
    const { logId, entryCount } = await file.metadata();
    for (let offset = Math.max(0, entryCount - RECALL_LIMIT); offset < entryCount; offset++) {
      const entry = await file.lookup(logId, offset);
      if (entry) entries.push(entry.text);
    }
  } catch {
    // An unreadable history only means nothing to recall.
  }
  return {
    entries,
    record(sessionId, text) {
      void file.appendText(sessionId, text).catch(() => {});
    },
  };
}
