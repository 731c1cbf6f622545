import * as z from "zod";
import type { SortDirection, ThreadSortKey } from "./types.js";

/**
 * Keyset cursor: the (sort value, thread id) of the last item returned, plus the sort it belongs
 * to. Rows are ordered by (value, id), so the next page starts strictly after that pair: no
 * duplicates or gaps, however many threads share a timestamp. Encoded as base64url JSON; opaque to
 * clients.
 */
const CursorSchema = z.object({
  v: z.literal(1),
  k: z.enum(["created_at", "updated_at"]),
  d: z.enum(["asc", "desc"]),
  t: z.number().int(),
  i: z.string(),
});

export interface Cursor {
  sortKey: ThreadSortKey;
  direction: SortDirection;
  value: number;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify({ v: 1, k: c.sortKey, d: c.direction, t: c.value, i: c.id })).toString("base64url");
}

export function decodeCursor(text: string): Cursor | null {
  try {
    const parsed = CursorSchema.safeParse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
    if (!parsed.success) return null;
    return { sortKey: parsed.data.k, direction: parsed.data.d, value: parsed.data.t, id: parsed.data.i };
  } catch {
    return null;
  }
}
