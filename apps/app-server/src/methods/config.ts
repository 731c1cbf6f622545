// Methods: config/read|value/write|batchWrite, skills/list|extraRoots/set|config/write, hooks/list.
import { readFileSync } from "node:fs";
import path from "node:path";
import { hookEngineFromConfig } from "@codex-ts/core";
import { hooksListEntry, parseHookStates } from "@codex-ts/hooks";
import { v2 } from "@codex-ts/protocol";
import { parse as parseToml } from "smol-toml";
import * as z from "zod";
import { ConfigEdit, MergeStrategy, type WriteResult, loadEffectiveConfig, readConfig, splitKeyPath, writeConfigEdits } from "../config.js";
import { RpcError } from "../errors.js";
import type { Runtime } from "../runtime.js";
import { type MethodSpec, method } from "../server.js";
import { assertDirectory } from "../threads.js";

/**
 * After a config write, the live state that config feeds: a `hooks` edit gives every live thread's
 * hook engine the new `hooks.state`; a `skills` edit of the user's config.toml gives the skills
 * service the new `[skills]` table (as `skills/config/write` does; later `skills/list` calls see it).
 */
function applyWrittenEdits(runtime: Runtime, edits: readonly { keyPath: string }[], written: WriteResult): void {
  const touched = new Set(edits.map((edit) => splitKeyPath(edit.keyPath)[0]));
  const userConfig = path.resolve(written.filePath) === path.resolve(runtime.codexHome, "config.toml");
  const skills = touched.has("skills") && userConfig;
  if (!touched.has("hooks") && !skills) return;
  let table: Record<string, unknown>;
  try {
    table = parseToml(readFileSync(written.filePath, "utf8"));
  } catch (error) {
    runtime.log.warn(`cannot re-read ${written.filePath}: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  if (touched.has("hooks")) {
    const states = parseHookStates(table);
    for (const thread of runtime.threads.threads.values()) thread.hookEngine?.setHookStates(states);
  }
  if (skills) runtime.skills.setConfig(table.skills);
}

/** [method name, spec] pairs, registered by buildMethods (methods/index.ts). */
export function configMethods(runtime: Runtime): Array<[string, MethodSpec]> {
  const out: Array<[string, MethodSpec]> = [];
  const add = (method: string, spec: MethodSpec) => out.push([method, spec]);
  const threads = runtime.threads;

  /* ---------------------------------------------------------------- config */

  add(
    "config/read",
    method({
      params: v2.ConfigReadParams,
      handler: (p, ctx) => {
        const { warnings, ...rest } = readConfig({
          codexHome: runtime.codexHome,
          env: runtime.env,
          cwd: p.cwd ?? null,
          includeLayers: p.includeLayers ?? false,
        });
        for (const summary of warnings) ctx.server.notify("configWarning", { summary, details: null, path: null });
        return rest;
      },
    }),
  );

  add(
    "config/value/write",
    method({
      params: z.object({
        keyPath: z.string().min(1),
        value: z.unknown(),
        mergeStrategy: MergeStrategy,
        filePath: z.string().nullish(),
        expectedVersion: z.string().nullish(),
      }),
      handler: (p) => {
        const edits = [{ keyPath: p.keyPath, value: p.value, mergeStrategy: p.mergeStrategy }];
        const written = writeConfigEdits({
          codexHome: runtime.codexHome,
          env: runtime.env,
          filePath: p.filePath ?? null,
          expectedVersion: p.expectedVersion ?? null,
          edits,
        });
        applyWrittenEdits(runtime, edits, written);
        return written;
      },
    }),
  );

  add(
    "config/batchWrite",
    method({
      params: z.object({
        edits: z.array(ConfigEdit),
        filePath: z.string().nullish(),
        expectedVersion: z.string().nullish(),
        reloadUserConfig: z.boolean().nullish(),
      }),
      handler: (p) => {
        const written = writeConfigEdits({
          codexHome: runtime.codexHome,
          env: runtime.env,
          filePath: p.filePath ?? null,
          expectedVersion: p.expectedVersion ?? null,
          edits: p.edits,
        });
        applyWrittenEdits(runtime, p.edits, written);
        return written;
      },
    }),
  );

  /* ---------------------------------------------------------------- skills */

  const skillsResult = <T>(r: { ok: true; result: T } | { ok: false; error: { code: number; message: string } }): T => {
    if (r.ok) return r.result;
    throw new RpcError(r.error.code as never, r.error.message);
  };
  add(
    "skills/list",
    method({ params: z.unknown(), handler: async (p) => skillsResult(await runtime.skills.list(p, process.cwd())) }),
  );
  add(
    "skills/extraRoots/set",
    method({ params: z.unknown(), handler: async (p) => skillsResult(await runtime.skills.setExtraRoots(p)) }),
  );
  add(
    "skills/config/write",
    method({ params: z.unknown(), handler: async (p) => skillsResult(await runtime.skills.writeConfig(p)) }),
  );

  /* ---------------------------------------------------------------- hooks */

  add(
    "hooks/list",
    method({
      params: v2.HooksListParams,
      handler: (p) => {
        const thread = p.threadId ? threads.loaded(p.threadId) : undefined;
        const defaultCwd = thread ? thread.session.settings().cwd : process.cwd();
        const cwds = p.cwds?.length ? p.cwds.map((cwd) => path.resolve(cwd)) : [defaultCwd];
        const data = cwds.map((cwd) => {
          const live =
            thread && thread.session.settings().cwd === cwd
              ? thread
              : [...threads.threads.values()].find((t) => t.hookEngine && t.session.settings().cwd === cwd);
          if (live?.hookEngine) return hooksListEntry(cwd, live.hookEngine);
          assertDirectory(cwd);
          const { config } = loadEffectiveConfig({ codexHome: runtime.codexHome, env: runtime.env, cwd });
          return hooksListEntry(cwd, hookEngineFromConfig(config, cwd));
        });
        return { data };
      },
    }),
  );
  return out;
}
