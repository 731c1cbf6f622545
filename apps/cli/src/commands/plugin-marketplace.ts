import { EXIT_OK, failure, usageError } from "../io.js";
import type { OptionValues } from "../parse.js";
import { editConfig } from "../plugins/install.js";
import { configuredMarketplaces, loadMarketplace, resolveLocalRoot } from "../plugins/marketplace.js";
import { formatTable, loadedMarketplaces, type PluginContext, printJson } from "./plugin.js";

/** A source that names a Git repository (owner/repo[@ref], https or ssh URL) rather than a folder. */
const GIT_SOURCE = /^(https?:\/\/|ssh:\/\/|git@|[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(@[^/\s]+)?$)/;

/** `codex-ts plugin marketplace add|list|upgrade|remove`. */
export function runMarketplaceCommand(ctx: PluginContext, sub: string, arg: string | undefined, values: OptionValues, command: string): number {
  const { io } = ctx;
  switch (sub) {
    case "list": {
      const markets = loadedMarketplaces(ctx);
      if (ctx.json) {
        const marketplaces = markets.map(({ config, market }) => ({ name: market.name, root: market.root, marketplaceSource: { sourceType: config.sourceType, source: config.source } }));
        printJson(ctx, { marketplaces });
      } else if (markets.length === 0) io.stdout.write("No plugin marketplaces in scope.\n");
      else io.stdout.write(formatTable(["MARKETPLACE", "ROOT"], markets.map(({ market }) => [market.name, market.root])));
      return EXIT_OK;
    }
    case "add": {
      if (arg === undefined) return usageError(io, "the following required arguments were not provided: <SOURCE>", command);
      const local = arg.startsWith(".") || arg.startsWith("/") || arg.startsWith("~");
      if (!local && GIT_SOURCE.test(arg)) {
        return failure(io, `marketplace source \`${arg}\` is a Git repository: codex-ts adds local marketplaces only (clone it and add the folder)`);
      }
      if (values.ref !== undefined || values.sparse !== undefined) return failure(io, "--ref and --sparse apply to Git marketplace sources only");
      const root = resolveLocalRoot(arg.startsWith("~") ? arg.replace(/^~/, io.env.HOME ?? "~") : arg, io.cwd);
      if (!root.ok) return failure(io, root.error);
      const market = loadMarketplace(root.value);
      if (!market.ok) return failure(io, market.error);
      const name = market.value.name;
      const existing = configuredMarketplaces(ctx.userConfig).find((m) => m.name === name);
      if (existing && existing.source !== root.value) {
        return failure(io, `marketplace \`${name}\` is already added from ${existing.source}; remove it first`);
      }
      if (!existing) {
        const edited = editConfig(ctx.codexHome, io.env, `marketplaces.${JSON.stringify(name)}`, { source_type: "local", source: root.value });
        if (!edited.ok) return failure(io, edited.error);
      }
      if (ctx.json) printJson(ctx, { marketplaceName: name, installedRoot: root.value, alreadyAdded: existing !== undefined });
      else {
        const head = existing ? `Marketplace \`${name}\` is already added from ${root.value}.` : `Added marketplace \`${name}\` from ${root.value}.`;
        io.stdout.write(`${head}\nInstalled marketplace root: ${root.value}\n`);
      }
      return EXIT_OK;
    }
    case "remove": {
      if (arg === undefined) return usageError(io, "the following required arguments were not provided: <MARKETPLACE_NAME>", command);
      if (!configuredMarketplaces(ctx.userConfig).some((m) => m.name === arg)) return failure(io, `marketplace \`${arg}\` is not configured or installed`);
      const edited = editConfig(ctx.codexHome, io.env, `marketplaces.${JSON.stringify(arg)}`, null);
      if (!edited.ok) return failure(io, edited.error);
      // A local marketplace's folder is the user's: nothing is deleted (installedRoot null, as Codex).
      if (ctx.json) printJson(ctx, { marketplaceName: arg, installedRoot: null });
      else io.stdout.write(`Removed marketplace \`${arg}\`.\n`);
      return EXIT_OK;
    }
    case "upgrade": {
      // codex-ts configures local marketplaces only, which are read in place: there is never a Git one to refresh.
      const git = configuredMarketplaces(ctx.userConfig).filter((m) => m.sourceType === "git");
      if (arg !== undefined && !git.some((m) => m.name === arg)) return failure(io, `marketplace \`${arg}\` is not configured as a Git marketplace`);
      if (git.length > 0) return failure(io, `codex-ts cannot upgrade Git marketplaces (${git.map((m) => m.name).join(", ")})`);
      if (ctx.json) printJson(ctx, { selectedMarketplaces: [], upgradedRoots: [], errors: [] });
      else io.stdout.write("No configured Git marketplaces to upgrade.\n");
      return EXIT_OK;
    }
    default:
      return usageError(io, `unrecognized subcommand '${sub}'`, "codex-ts plugin marketplace");
  }
}
