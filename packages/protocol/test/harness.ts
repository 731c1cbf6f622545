import { readFileSync } from "node:fs";
import type { z } from "zod";
import {
  clientRequestMethods,
  isClientRequestMethod,
  isServerNotificationMethod,
  isServerRequestMethod,
  serverNotificationMethods,
  serverRequestMethods,
} from "../src/v2/protocol.js";
import { officialSchemaDir } from "../src/v2/official-schema.js";

/** One line of a transcript fixture: who sent it, and for responses, which method they answer. */
export interface TranscriptEntry {
  dir: "client" | "server";
  responseTo?: string;
  message: Record<string, unknown>;
}

/** The official Codex app-server schema this package ships (`official-schema/0.169.0`). */
export const OFFICIAL_SCHEMA_DIR = officialSchemaDir();

export function readTranscript(relativePath: string): TranscriptEntry[] {
  const text = readFileSync(new URL(`./fixtures/${relativePath}`, import.meta.url), "utf8");
  const entries = text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as TranscriptEntry);
  // Responses are matched to requests by id, per direction, when the fixture does not say.
  const pending = { client: new Map<unknown, string>(), server: new Map<unknown, string>() };
  for (const entry of entries) {
    const { message } = entry;
    if (typeof message.method === "string" && "id" in message)
      pending[entry.dir].set(message.id, message.method);
    else if (!("method" in message) && "id" in message && entry.responseTo === undefined) {
      const asker = entry.dir === "client" ? "server" : "client";
      entry.responseTo = pending[asker].get(message.id);
    }
  }
  return entries;
}

export type Classified =
  | {
      kind: "clientRequest" | "serverRequest" | "serverNotification";
      method: string;
      schema: z.ZodType;
      value: unknown;
      frame: (parsed: unknown) => unknown;
    }
  | {
      kind: "response";
      method: string;
      schema: z.ZodType;
      value: unknown;
      frame: (parsed: unknown) => unknown;
    }
  | { kind: "uncovered"; method: string }
  | { kind: "other" };

/** Which of our schemas reads this message, and how to put the parsed value back into a frame. */
export function classify(entry: TranscriptEntry): Classified {
  const { message } = entry;
  const method = message.method;
  if (typeof method === "string") {
    const withParams = (parsed: unknown) => ({ ...message, params: parsed });
    if ("id" in message) {
      if (entry.dir === "client" && isClientRequestMethod(method)) {
        return {
          kind: "clientRequest",
          method,
          schema: clientRequestMethods[method].params,
          value: message.params,
          frame: withParams,
        };
      }
      if (entry.dir === "server" && isServerRequestMethod(method)) {
        return {
          kind: "serverRequest",
          method,
          schema: serverRequestMethods[method].params,
          value: message.params,
          frame: withParams,
        };
      }
      return { kind: "uncovered", method };
    }
    if (entry.dir === "server" && isServerNotificationMethod(method)) {
      return {
        kind: "serverNotification",
        method,
        schema: serverNotificationMethods[method],
        value: message.params,
        frame: withParams,
      };
    }
    return method === "initialized" ? { kind: "other" } : { kind: "uncovered", method };
  }
  if ("result" in message && entry.responseTo) {
    const frame = (parsed: unknown) => ({ ...message, result: parsed });
    const to = entry.responseTo;
    if (isClientRequestMethod(to))
      return {
        kind: "response",
        method: to,
        schema: clientRequestMethods[to].response,
        value: message.result,
        frame,
      };
    if (isServerRequestMethod(to))
      return {
        kind: "response",
        method: to,
        schema: serverRequestMethods[to].response,
        value: message.result,
        frame,
      };
    return { kind: "uncovered", method: to };
  }
  return { kind: "other" };
}
