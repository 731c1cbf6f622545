/**
 * Wire shapes for the app-server v2 params this server accepts.
 *
 * Adapter module: these local zod schemas stand in until `@codex-ts/protocol` exports its `v2`
 * namespace; switching means re-exporting from there. Objects are non-strict (unknown keys are
 * dropped, as the Rust server ignores them) and every optional field also accepts `null`.
 */
import { z } from "zod";

const opt = <T extends z.ZodType>(schema: T) => schema.nullish();

export const ClientInfo = z.object({
  name: z.string(),
  title: opt(z.string()),
  version: z.string(),
});

export const InitializeCapabilities = z.object({
  experimentalApi: opt(z.boolean()),
  optOutNotificationMethods: opt(z.array(z.string())),
});

export const InitializeParams = z.object({
  clientInfo: ClientInfo,
  capabilities: opt(InitializeCapabilities),
});
export type InitializeParams = z.infer<typeof InitializeParams>;
