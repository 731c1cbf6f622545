// Methods: fuzzyFileSearch, feedback/save, externalAgentConfig/*, modelProvider/config/write, local
// plugin/* and marketplace/*, thread/shellCommand — as Codex 0.169 answers them here.
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as z from "zod";
import { RpcError, invalidParams, invalidRequest } from "../errors.js";
import { fuzzyFileSearch } from "../fuzzy-search.js";
import { JsonState } from "../local-state.js";
import type { Runtime } from "../runtime.js";
import { type MethodSpec, method } from "../server.js";
import { runUserShellCommand } from "../user-shell.js";

interface ImportHistory {
  importId: string;
  providerId: string;
  completedAtMs: number;
  successes: unknown[];
  failures: unknown[];
}

const AnyParams = z.unknown();
const needsOne = (what: string) => invalidRequest(`${what} requires exactly one of marketplacePath or remoteMarketplaceName`);

/** [method name, spec] pairs, registered by buildMethods (methods/index.ts). */
export function workspaceMethods(runtime: Runtime): Array<[string, MethodSpec]> {
  const histories = new JsonState<{ data: ImportHistory[] }>(runtime.codexHome, "external-agent-imports", () => ({ data: [] }));
  return [
    [
      "fuzzyFileSearch",
      method({
        params: z.object({ query: z.string(), roots: z.array(z.string()), cancellationToken: z.string().nullish() }),
        handler: async (p) => {
          for (const root of p.roots) if (!path.isAbsolute(root)) throw invalidParams(`roots: not an absolute path: ${root}`);
          return { files: await fuzzyFileSearch(p.query, p.roots) };
        },
      }),
    ],
    [
      "feedback/save",
      method({
        params: z
          .object({ classification: z.string(), savePath: z.string(), reason: z.string().nullish(), threadId: z.string().nullish(), includeLogs: z.boolean().optional(), tags: z.record(z.string(), z.string()).nullish() })
          .passthrough(),
        handler: async (p) => {
          if (!path.isAbsolute(p.savePath)) throw invalidParams(`savePath: not an absolute path: ${p.savePath}`);
          const threadId = p.threadId ?? `no-active-thread-${randomUUID()}`;
          const thread = p.threadId ? await runtime.threads.read(p.threadId, true).catch(() => null) : null;
          const report = { classification: p.classification, reason: p.reason ?? null, tags: p.tags ?? {}, threadId, platform: `${os.type()} ${os.release()} ${os.arch()}`, thread };
          const target = existsSync(p.savePath) && !p.savePath.endsWith(".json") ? path.join(p.savePath, `codex-feedback-${threadId}.json`) : p.savePath;
          mkdirSync(path.dirname(target), { recursive: true });
          writeFileSync(target, `${JSON.stringify(report, null, 2)}\n`);
          return { savedPath: p.savePath, threadId, promptHash: null };
        },
      }),
    ],
    [
      "externalAgentConfig/detect",
      method({
        params: z.object({ cwds: z.array(z.string()).nullish(), includeHome: z.boolean().optional() }).passthrough(),
        handler: () => ({ items: [], connectors: [] }),
      }),
    ],
    [
      "externalAgentConfig/import",
      method({
        params: z.object({ migrationItems: z.array(z.unknown()) }).passthrough(),
        handler: () => ({ importId: randomUUID() }),
      }),
    ],
    [
      "externalAgentConfig/import/recordHistory",
      method({
        params: z.object({ providerId: z.string(), itemTypeResults: z.array(z.record(z.string(), z.unknown())) }),
        handler: (p) => {
          const importId = randomUUID();
          const successes = p.itemTypeResults.filter((r) => r.success !== false);
          const failures = p.itemTypeResults.filter((r) => r.success === false);
          histories.update((s) => s.data.push({ importId, providerId: p.providerId, completedAtMs: Date.now(), successes, failures }));
          return { importId };
        },
      }),
    ],
    ["externalAgentConfig/import/readHistories", method({ params: AnyParams, handler: () => ({ data: histories.read().data, connectors: [] }) })],
    [
      "modelProvider/config/write",
      method({
        params: z.object({ settings: z.record(z.string(), z.unknown()) }).passthrough(),
        handler: (p) => {
          const name = typeof p.settings.name === "string" ? p.settings.name.trim() : "";
          if (name === "") throw new RpcError(-32600, "Enter a provider name.", { config_write_error_code: "configValidationError" });
          throw new RpcError(-32600, "custom model provider settings cannot be written by this server yet", { config_write_error_code: "configValidationError" });
        },
      }),
    ],
    ["plugin/list", method({ params: AnyParams, handler: () => ({ marketplaces: [], marketplaceLoadErrors: [], featuredPluginIds: [] }) })],
    ["plugin/installed", method({ params: AnyParams, handler: () => ({ marketplaces: [], marketplaceLoadErrors: [] }) })],
    ["plugin/reconcile", method({ params: AnyParams, handler: () => ({ changedPlugins: [], failedRemotePluginIds: [], failedMaterializationRemotePluginIds: [] }) })],
    [
      "plugin/read",
      method({
        params: z.object({ pluginName: z.string(), marketplacePath: z.string().nullish(), remoteMarketplaceName: z.string().nullish() }),
        handler: (p) => {
          if (!p.marketplacePath === !p.remoteMarketplaceName) throw needsOne("plugin/read");
          throw invalidRequest(`plugin \`${p.pluginName}\` not found`);
        },
      }),
    ],
    [
      "plugin/install",
      method({
        params: z.object({ pluginName: z.string(), marketplacePath: z.string().nullish(), remoteMarketplaceName: z.string().nullish() }).passthrough(),
        handler: (p) => {
          if (!p.marketplacePath === !p.remoteMarketplaceName) throw needsOne("plugin/install");
          throw invalidRequest(`plugin \`${p.pluginName}\` not found`);
        },
      }),
    ],
    [
      "plugin/uninstall",
      method({
        params: z.object({ pluginId: z.string() }).passthrough(),
        handler: () => {
          throw invalidRequest("resolve remote plugin before uninstall: chatgpt authentication required for remote plugin catalog");
        },
      }),
    ],
    [
      "marketplace/add",
      method({
        params: z.object({ source: z.string() }).passthrough(),
        handler: (p) => {
          const looksLocal = path.isAbsolute(p.source) || p.source.startsWith(".");
          const looksRemote = /^[\w.-]+\/[\w.-]+$/.test(p.source) || /^(https?|git|ssh):\/\//.test(p.source) || p.source.startsWith("git@");
          if (!looksLocal && !looksRemote) throw invalidRequest("invalid marketplace source format; expected owner/repo, a git URL, or a local marketplace path");
          throw invalidRequest(`marketplace source \`${p.source}\` cannot be added by this server yet`);
        },
      }),
    ],
    [
      "marketplace/remove",
      method({
        params: z.object({ marketplaceName: z.string() }),
        handler: (p) => {
          throw invalidRequest(`marketplace \`${p.marketplaceName}\` is not configured or installed`);
        },
      }),
    ],
    ["marketplace/upgrade", method({ params: AnyParams, handler: () => ({ selectedMarketplaces: [], upgradedRoots: [], errors: [] }) })],
    [
      "thread/shellCommand",
      method({
        params: z.object({ threadId: z.string(), command: z.string(), timeoutMs: z.number().int().nullish() }),
        handler: (p, ctx) => {
          const thread = runtime.threads.loaded(p.threadId);
          if (p.command.trim() === "") throw invalidRequest("command must not be empty");
          // Progress streams after the response, as turn notifications do.
          ctx.afterResponse(() => runUserShellCommand(thread, p.command, p.timeoutMs ?? null));
          return {};
        },
      }),
    ],
  ];
}
