import { useEffect, useState } from "react";
import type { Controller } from "../controller.js";
import { type ActiveToken, activeToken, type MentionEntry, skillEntries } from "../state/mentions.js";

export interface MentionPopup {
  token: ActiveToken;
  entries: MentionEntry[];
  /** Shown when there are no entries (searching, nothing found). */
  status: string | null;
}

/**
 * The `@` file / `$` skill popup for the token at the cursor: files from the app-server's
 * `fuzzyFileSearch` (answers to older queries are dropped), skills from `skills/list`.
 */
export function useMentionPopup(controller: Controller, text: string, cursor: number, dismissed: boolean) {
  const token = dismissed ? null : activeToken(text, cursor);
  const key = token ? `${token.sigil}${token.query}` : null;
  const [found, setFound] = useState<{ key: string; entries: MentionEntry[]; failed?: string } | null>(null);
  useEffect(() => {
    if (!token || key === null) return;
    let current = true;
    const search =
      token.sigil === "@"
        ? token.query === ""
          ? Promise.resolve([])
          : controller.searchFiles(token.query)
        : controller.skills().then((skills) => skillEntries(skills, token.query));
    search.then(
      (entries) => current && setFound({ key, entries }),
      (error: unknown) => current && setFound({ key, entries: [], failed: String(error) }),
    );
    return () => {
      current = false;
    };
    // The token's identity is its key.
    // biome-ignore lint/correctness/useExhaustiveDependencies: token is derived from key
  }, [key, controller]);
  if (!token) return null;
  const fresh = found?.key === key ? found : null;
  const entries = fresh?.entries ?? [];
  let status: string | null = null;
  if (entries.length === 0) {
    if (token.sigil === "@" && token.query === "") status = "type to search files";
    else if (!fresh) status = "searching…";
    else if (fresh.failed) status = `search failed: ${fresh.failed}`;
    else status = token.sigil === "@" ? "no matching files" : "no matching skills";
  }
  return { token, entries, status } satisfies MentionPopup;
}
