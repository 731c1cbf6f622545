/**
 * The thread transfer format (`codex-ts threads export|import`): JSON Lines, one thread per line —
 * `{"format":"codex-ts-thread/1","thread":{…metadata…},"goal":…,"lines":["<rollout line>",…]}` with
 * every history line as the exact text the store holds, so export → import → export is
 * byte-identical in its items whichever stores are involved.
 */
import { v2 } from "@codex-ts/protocol";
import * as z from "zod";
import { errorMessage } from "./store-common.js";
import { type ExportedThread, fail, ok, type StoredThread, type StoreResult, THREAD_SOURCE_KINDS, type ThreadStore } from "./types.js";

export const TRANSFER_FORMAT = "codex-ts-thread/1";

const Git = z.object({ sha: z.string().nullable(), branch: z.string().nullable(), originUrl: z.string().nullable() }).nullable();

const StoredThreadSchema = z.object({
  id: z.string().min(1),
  sessionId: z.string(),
  forkedFromId: z.string().nullable(),
  parentThreadId: z.string().nullable(),
  preview: z.string(),
  modelProvider: z.string(),
  model: z.string().nullable(),
  reasoningEffort: z.string().nullable(),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
  path: z.string().nullable(),
  cwd: z.string(),
  cliVersion: z.string(),
  source: z.unknown(),
  sourceKind: z.enum(THREAD_SOURCE_KINDS),
  threadSource: z.string().nullable(),
  originator: z.string().nullable(),
  agentNickname: z.string().nullable(),
  agentRole: z.string().nullable(),
  gitInfo: Git,
  name: z.string().nullable(),
  archived: z.boolean(),
  archivedAtMs: z.number().nullable(),
});

const TransferLine = z.object({
  format: z.literal(TRANSFER_FORMAT),
  thread: StoredThreadSchema,
  goal: v2.ThreadGoal.nullable(),
  lines: z.array(z.string()).min(1),
});

/** One thread as one line of the transfer format (no newline). The local file path is not carried. */
export function serializeTransferLine(exported: ExportedThread): string {
  return JSON.stringify({ format: TRANSFER_FORMAT, thread: { ...exported.thread, path: null }, goal: exported.goal, lines: exported.lines });
}

export function parseTransferLine(text: string): StoreResult<ExportedThread> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail("invalid_argument", `not JSON: ${errorMessage(error)}`);
  }
  const parsed = TransferLine.safeParse(json);
  if (!parsed.success) return fail("invalid_argument", `not a ${TRANSFER_FORMAT} line: ${z.prettifyError(parsed.error)}`);
  return ok({ thread: parsed.data.thread as StoredThread, goal: parsed.data.goal, lines: parsed.data.lines });
}

/** Every thread id in a store (archived or not, every source), oldest first. */
export async function allThreadIds(store: ThreadStore): Promise<StoreResult<string[]>> {
  const ids: string[] = [];
  for (const archived of [false, true]) {
    let cursor: string | null = null;
    do {
      const page = await store.list({ archived, cursor, limit: 1000, sortDirection: "asc", sourceKinds: [...THREAD_SOURCE_KINDS] });
      if (!page.ok) return page;
      ids.push(...page.value.data.map((t) => t.id));
      cursor = page.value.nextCursor;
    } while (cursor);
  }
  return ok(ids);
}
