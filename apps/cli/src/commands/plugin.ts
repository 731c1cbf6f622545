import path from "node:path";
import { activePluginRoot, pluginsEnabled } from "@codex-ts/core";
import type { GlobalOverrides } from "../cli.js";
import { loadCliConfig } from "../config.js";
import { type CliIO, EXIT_OK, failure, usageError } from "../io.js";
import { stringValue } from "../parse.js";
import { installPlugin, removePlugin } from "../plugins/install.js";
import { configuredMarketplaces, loadMarketplace, type Marketplace, readPluginManifest } from "../plugins/marketplace.js";
import { PLUGIN } from "../specs/plugin.js";
import { resolveLeaf } from "./group.js";
import { runMarketplaceCommand } from "./plugin-marketplace.js";

/** What every plugin subcommand works on: CODEX_HOME, the user's config table, the marketplaces it names. */
export interface PluginContext {
  io: CliIO;
  codexHome: string;
  userConfig: Record<string, unknown>;
  json: boolean;
  /** `features.plugins` (on by default): off, no marketplace is in scope (as Codex). */
  pluginsOn: boolean;
}

/** `codex-ts plugin list|add|remove|marketplace …` for local marketplaces, with Codex 0.169's output. */
export async function runPluginCommand(argv: readonly string[], io: CliIO, globals: GlobalOverrides): Promise<number> {
  const leaf = resolveLeaf(PLUGIN, argv, io, "codex-ts plugin");
  if ("exit" in leaf) return leaf.exit;
  const command = `codex-ts plugin ${leaf.path.join(" ")}`;
  const loaded = loadCliConfig(leaf.parsed.values, globals, io.env, io.cwd);
  if (!loaded.ok) return loaded.usage ? usageError(io, loaded.error, command) : failure(io, loaded.error);
  const user = loaded.config.layers.find((l) => l.source.type === "user" && !l.disabledReason)?.config ?? {};
  const ctx: PluginContext = {
    io,
    codexHome: loaded.config.codexHome,
    userConfig: user,
    json: leaf.parsed.values.json === true,
    pluginsOn: pluginsEnabled(loaded.config),
  };
  const values = leaf.parsed.values;
  const arg = leaf.parsed.positionals[0];
  switch (leaf.path[0]) {
    case "list":
      return listPlugins(ctx, stringValue(values, "marketplace"), values.available === true);
    case "add":
    case "remove": {
      if (arg === undefined) return usageError(io, "the following required arguments were not provided: <PLUGIN[@MARKETPLACE]>", command);
      const selector = pluginSelector(arg, stringValue(values, "marketplace"));
      if (!selector.ok) return failure(io, selector.error);
      return leaf.path[0] === "add" ? addPlugin(ctx, selector.name, selector.marketplace) : removeOne(ctx, selector.name, selector.marketplace);
    }
    case "marketplace":
      return runMarketplaceCommand(ctx, leaf.path[1]!, arg, values, command);
    default:
      return usageError(io, `unrecognized subcommand '${leaf.path.join(" ")}'`, "codex-ts plugin");
  }
}

/** The configured local marketplaces that load (a broken one is a warning line, as Codex skips it). */
export function loadedMarketplaces(ctx: PluginContext): { config: ReturnType<typeof configuredMarketplaces>[number]; market: Marketplace }[] {
  return configuredMarketplaces(ctx.userConfig).flatMap((config) => {
    if (!ctx.pluginsOn || config.sourceType !== "local") return [];
    const market = loadMarketplace(config.source);
    if (!market.ok) {
      ctx.io.stderr.write(`warning: skipping marketplace \`${config.name}\`: ${market.error}\n`);
      return [];
    }
    return [{ config, market: market.value }];
  });
}

function pluginSelector(arg: string, marketplace: string | undefined): { ok: true; name: string; marketplace: string } | { ok: false; error: string } {
  const at = arg.lastIndexOf("@");
  const name = at > 0 ? arg.slice(0, at) : arg;
  const market = at > 0 ? arg.slice(at + 1) : marketplace;
  if (!market) return { ok: false, error: "plugin requires --marketplace unless passed as <plugin>@<marketplace>" };
  for (const part of [name, market]) {
    if (!/^[A-Za-z0-9_.-]+$/.test(part) || part === "." || part === "..") return { ok: false, error: `invalid plugin selector \`${arg}\`` };
  }
  return { ok: true, name, marketplace: market };
}

function addPlugin(ctx: PluginContext, name: string, marketplace: string): number {
  const found = loadedMarketplaces(ctx).find((m) => m.market.name === marketplace || m.config.name === marketplace);
  const plugin = found?.market.plugins.find((p) => p.name === name);
  if (!found || !plugin) return failure(ctx.io, `plugin \`${name}\` was not found in marketplace \`${marketplace}\``);
  const installed = installPlugin(ctx.codexHome, ctx.io.env, marketplace, name, plugin.path);
  if (!installed.ok) return failure(ctx.io, installed.error);
  if (ctx.json) {
    const { version, installedPath } = installed.value;
    printJson(ctx, { pluginId: `${name}@${marketplace}`, name, marketplaceName: marketplace, version, installedPath, authPolicy: plugin.authPolicy });
  } else {
    ctx.io.stdout.write(`Added plugin \`${name}\` from marketplace \`${marketplace}\`.\nInstalled plugin root: ${installed.value.installedPath}\n`);
  }
  return EXIT_OK;
}

function removeOne(ctx: PluginContext, name: string, marketplace: string): number {
  const removed = removePlugin(ctx.codexHome, ctx.io.env, marketplace, name);
  if (!removed.ok) return failure(ctx.io, removed.error);
  if (ctx.json) printJson(ctx, { pluginId: `${name}@${marketplace}`, name, marketplaceName: marketplace });
  else ctx.io.stdout.write(`Removed plugin \`${name}\` from marketplace \`${marketplace}\`.\n`);
  return EXIT_OK;
}

function listPlugins(ctx: PluginContext, only: string | undefined, available: boolean): number {
  const markets = loadedMarketplaces(ctx).filter((m) => only === undefined || m.market.name === only);
  const pluginsTable = (ctx.userConfig.plugins ?? {}) as Record<string, { enabled?: unknown } | undefined>;
  const rows = markets.map(({ config, market }) => ({
    market,
    plugins: market.plugins.map((p) => {
      const id = `${p.name}@${market.name}`;
      const root = activePluginRoot(ctx.codexHome, { name: p.name, marketplace: market.name });
      const installedVersion = root ? path.basename(root) : null;
      const enabled = installedVersion !== null && pluginsTable[id]?.enabled !== false;
      return {
        pluginId: id,
        name: p.name,
        marketplaceName: market.name,
        version: installedVersion ?? readPluginManifest(p.path)?.version ?? null,
        installed: installedVersion !== null,
        enabled,
        source: { source: "local", path: p.path },
        marketplaceSource: { sourceType: config.sourceType, source: config.source },
        installPolicy: p.installPolicy,
        authPolicy: p.authPolicy,
      };
    }),
  }));
  const all = rows.flatMap((r) => r.plugins);
  if (ctx.json) {
    printJson(ctx, { installed: all.filter((p) => p.installed), available: available ? all.filter((p) => !p.installed) : [] });
    return EXIT_OK;
  }
  if (all.length === 0) {
    ctx.io.stdout.write(only === undefined ? "No marketplace plugins found.\n" : `No plugins found in marketplace \`${only}\`.\n`);
    return EXIT_OK;
  }
  const blocks = rows
    .filter((r) => r.plugins.length > 0)
    .map(({ market, plugins }) => {
      const table = formatTable(
        ["PLUGIN", "STATUS", "VERSION", "SOURCE"],
        plugins.map((p) => [p.pluginId, p.installed ? `installed, ${p.enabled ? "enabled" : "disabled"}` : "not installed", p.installed ? (p.version ?? "") : "", p.source.path]),
      );
      return `Marketplace \`${market.name}\`\n${market.manifestPath}\n\n${table}`;
    });
  ctx.io.stdout.write(`${blocks.join("\n")}`);
  return EXIT_OK;
}

/** Columns separated by two spaces, the last one unpadded; one line per row, each ending in a newline. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  return [header, ...rows].map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 2))).join("").trimEnd() + "\n").join("");
}

export function printJson(ctx: PluginContext, value: unknown): void {
  ctx.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
