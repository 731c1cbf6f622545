// Methods: thread sections (threadSection/list|create|update|delete, thread/section/move) and thread
// attachments (thread/attachment/add|list|remove, thread/attachmentOwner/list), persisted under
// CODEX_HOME (local-state.ts) with Codex 0.169's answers and errors.
import { newThreadId } from "@codex-ts/rollout";
import * as z from "zod";
import { RpcError, invalidRequest } from "../errors.js";
import { JsonState, page } from "../local-state.js";
import type { Runtime } from "../runtime.js";
import { type MethodSpec, method } from "../server.js";

/** The section every Codex install has (its id is Codex's fixed one). */
const PINNED = { id: "01984de2-8f74-7c91-a3b2-5c5e937cf318", name: "Pinned", appearance: null };

interface Section {
  id: string;
  name: string;
  appearance: unknown;
}
interface SectionsState {
  sections: Section[];
  /** threadId → sectionId, with the move time (seconds). */
  members: Record<string, { sectionId: string; enteredAt: number }>;
}
interface Attachment {
  id: string;
  threadId: string;
  attachmentType: string;
  identityKey: string;
  payload: unknown;
  createdAt: number;
}

const Cursor = z.string().nullish();
const Limit = z.number().int().min(0).nullish();
const Appearance = z.unknown().nullish();
const nowSeconds = () => Math.floor(Date.now() / 1000);
const sectionNotFound = (id: string) => new RpcError(-32602, `thread section not found: ${id}`);
const publicAttachment = ({ threadId: _thread, ...rest }: Attachment) => rest;

/** [method name, spec] pairs, registered by buildMethods (methods/index.ts). */
export function threadOrganizeMethods(runtime: Runtime): Array<[string, MethodSpec]> {
  const sections = new JsonState<SectionsState>(runtime.codexHome, "thread-sections", () => ({ sections: [PINNED], members: {} }));
  const attachments = new JsonState<{ attachments: Attachment[] }>(runtime.codexHome, "thread-attachments", () => ({ attachments: [] }));
  const knownThread = async (threadId: string) => {
    await runtime.threads.read(threadId, false);
  };
  return [
    [
      "threadSection/list",
      method({
        params: z.object({ cursor: Cursor, limit: Limit }),
        handler: (p) => page(sections.read().sections, p.cursor, p.limit),
      }),
    ],
    [
      "threadSection/create",
      method({
        params: z.object({ name: z.string(), appearance: Appearance }),
        handler: (p) => {
          const name = p.name.trim();
          if (name === "") throw new RpcError(-32602, "thread section name must not be empty");
          const section = { id: newThreadId(), name, appearance: p.appearance ?? null };
          sections.update((s) => s.sections.push(section));
          return { section };
        },
      }),
    ],
    [
      "threadSection/update",
      method({
        params: z.object({ sectionId: z.string(), name: z.string(), appearance: Appearance }),
        handler: (p) =>
          sections.update((s) => {
            const section = s.sections.find((x) => x.id === p.sectionId);
            if (!section) throw sectionNotFound(p.sectionId);
            section.name = p.name.trim();
            if (p.appearance !== undefined) section.appearance = p.appearance;
            return { section };
          }),
      }),
    ],
    [
      "threadSection/delete",
      method({
        params: z.object({ sectionId: z.string() }),
        handler: (p) =>
          sections.update((s) => {
            if (!s.sections.some((x) => x.id === p.sectionId)) throw sectionNotFound(p.sectionId);
            s.sections = s.sections.filter((x) => x.id !== p.sectionId);
            for (const [thread, member] of Object.entries(s.members)) if (member.sectionId === p.sectionId) delete s.members[thread];
            return {};
          }),
      }),
    ],
    [
      "thread/section/move",
      method({
        params: z.object({ threadId: z.string(), sectionId: z.string().nullish(), beforeThreadId: z.string().nullish() }),
        handler: async (p) => {
          await knownThread(p.threadId);
          return sections.update((s) => {
            if (p.sectionId == null) {
              delete s.members[p.threadId];
              return {};
            }
            if (!s.sections.some((x) => x.id === p.sectionId)) throw invalidRequest(`section ${p.sectionId} does not exist`);
            s.members[p.threadId] = { sectionId: p.sectionId, enteredAt: nowSeconds() };
            return {};
          });
        },
      }),
    ],
    [
      "thread/attachment/add",
      method({
        params: z.object({ threadId: z.string(), attachmentType: z.string(), identityKey: z.string(), payload: z.unknown() }),
        handler: async (p) => {
          await knownThread(p.threadId);
          return attachments.update((s) => {
            const existing = s.attachments.find(
              (a) => a.threadId === p.threadId && a.attachmentType === p.attachmentType && a.identityKey === p.identityKey,
            );
            // An attachment is identified by its type and key: adding it again keeps the first one.
            if (existing) return { outcome: "existing", attachment: publicAttachment(existing) };
            const created: Attachment = {
              id: newThreadId(),
              threadId: p.threadId,
              attachmentType: p.attachmentType,
              identityKey: p.identityKey,
              payload: p.payload ?? null,
              createdAt: nowSeconds(),
            };
            s.attachments.push(created);
            return { outcome: "created", attachment: publicAttachment(created) };
          });
        },
      }),
    ],
    [
      "thread/attachment/list",
      method({
        params: z.object({ threadId: z.string(), cursor: Cursor, limit: Limit }),
        handler: (p) => {
          const mine = attachments.read().attachments.filter((a) => a.threadId === p.threadId).map(publicAttachment);
          return page(mine, p.cursor, p.limit);
        },
      }),
    ],
    [
      "thread/attachment/remove",
      method({
        params: z.object({ threadId: z.string(), attachmentType: z.string(), identityKey: z.string() }),
        handler: (p) =>
          attachments.update((s) => {
            s.attachments = s.attachments.filter(
              (a) => !(a.threadId === p.threadId && a.attachmentType === p.attachmentType && a.identityKey === p.identityKey),
            );
            return {};
          }),
      }),
    ],
    [
      "thread/attachmentOwner/list",
      method({
        params: z.object({ attachmentType: z.string(), identityKey: z.string(), archived: z.boolean().nullish(), cursor: Cursor, limit: Limit }),
        handler: async (p) => {
          const owners: { threadId: string; archived: boolean }[] = [];
          for (const a of attachments.read().attachments) {
            if (a.attachmentType !== p.attachmentType || a.identityKey !== p.identityKey) continue;
            if (owners.some((o) => o.threadId === a.threadId)) continue;
            const archived = await runtime.threads.read(a.threadId, false).then((t) => isArchived(t), () => null);
            if (archived === null) continue;
            if (p.archived != null && archived !== p.archived) continue;
            owners.push({ threadId: a.threadId, archived });
          }
          return page(owners, p.cursor, p.limit);
        },
      }),
    ],
  ];
}

function isArchived(thread: unknown): boolean {
  const path = (thread as { path?: unknown }).path;
  return typeof path === "string" && path.includes("/archived_sessions/");
}
