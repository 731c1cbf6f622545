/**
 * Prompt recall across sessions: `CODEX_HOME/history.jsonl` through @codex-ts/message-history
 * (Codex's file format, shared with real Codex).
 *
 * The package is loaded by name at run time and the recall falls back to this session's prompts
 * when it cannot be resolved (apps/cli does not list it as a dependency yet; see README).
 */

/** The part of @codex-ts/message-history's `MessageHistory` used here. */
interface HistoryFile {
  appendText(sessionId: string, text: string): Promise<unknown>;
  metadata(): Promise<{ logId: number; entryCount: number }>;
  lookup(logId: number, offset: number): Promise<{ text: string } | null>;
}
interface HistoryModule {
  MessageHistory: {
    fromSettings(
      codexHome: string,
      settings: unknown,
    ): { ok: true; history: HistoryFile } | { ok: false; error: string };
  };
}

/** How many of the newest entries are loaded for recall at start. */
const RECALL_LIMIT = 500;

export interface PromptHistory {
  /** Earlier prompts, oldest first (the newest RECALL_LIMIT of history.jsonl). */
  entries: string[];
  record(sessionId: string, text: string): void;
}

const SPECIFIER = "@codex-ts/message-history";

/** Opens history.jsonl for recall and recording; null when the package is unavailable. */
export async function openPromptHistory(codexHome: string, settings: unknown): Promise<PromptHistory | null> {
  let mod: HistoryModule;
  try {
    mod = (await import(/* @vite-ignore */ SPECIFIER)) as HistoryModule;
  } catch {
    return null;
  }
  let file: HistoryFile;
  try {
    file = historyFile(mod, codexHome, settings);
  } catch {
    return null;
  }
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

/** The `[history]` settings of config.toml; invalid settings fall back to the defaults. */
function historyFile(mod: HistoryModule, codexHome: string, settings: unknown): HistoryFile {
  const made = mod.MessageHistory.fromSettings(codexHome, settings);
  if (made.ok) return made.history;
  const fallback = mod.MessageHistory.fromSettings(codexHome, {});
  if (fallback.ok) return fallback.history;
  throw new Error(fallback.error);
}
