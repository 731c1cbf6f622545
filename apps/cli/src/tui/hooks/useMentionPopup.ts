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
  const sigil = token?.sigil ?? null;
  const query = token?.query ?? "";
  const key = sigil ? `${sigil}${query}` : null;
  const [found, setFound] = useState<{ key: string; entries: MentionEntry[]; failed?: string } | null>(null);
  useEffect(() => {
    if (!sigil) return;
    const searched = `${sigil}${query}`;
    let current = true;
    const search =
      sigil === "@"
        ? query === ""
          ? Promise.resolve([])
          : controller.searchFiles(query)
        : controller.skills().then((skills) => skillEntries(skills, query));
    search.then(
      (entries) => current && setFound({ key: searched, entries }),
      (error: unknown) => current && setFound({ key: searched, entries: [], failed: String(error) }),
    );
    return () => {
      current = false;
    };
  }, [sigil, query, controller]);
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
