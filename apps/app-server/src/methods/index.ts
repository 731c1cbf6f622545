import path from "node:path";
import { v2 } from "@codex-ts/protocol";
import { readFileSync } from "node:fs";
import { hookEngineFromConfig } from "@codex-ts/core";
import { hooksListEntry, parseHookStates } from "@codex-ts/hooks";
import { parse as parseToml } from "smol-toml";
import * as z from "zod";
import {
  COMMAND_EXEC_EXPERIMENTAL_FIELDS,
  CommandExecParams,
  CommandExecResizeParams,
  CommandExecTerminateParams,
  CommandExecWriteParams,
} from "../command-exec.js";
import { ConfigEdit, MergeStrategy, type WriteResult, loadEffectiveConfig, readConfig, splitKeyPath, writeConfigEdits } from "../config.js";
import { RpcError, invalidParams, invalidRequest } from "../errors.js";
import { sandboxPolicyToProfile, toCoreUserInput } from "../mapping.js";
import type { Runtime } from "../runtime.js";
import { type MethodContext, type MethodSpec, method } from "../server.js";
import { accountMethods } from "./account.js";
import { catalogMethods } from "./catalog.js";
import { fsMethods } from "./fs.js";
import { announceThreadGoal, goalMethods } from "./goals.js";
import { mcpMethods } from "./mcp.js";
import { offlineMethods } from "./offline.js";
import { threadHistoryMethods } from "./thread-history.js";
import { threadOrganizeMethods } from "./thread-organize.js";
import { workspaceMethods } from "./workspace.js";
import type { LiveThread } from "../thread.js";
import { assertDirectory } from "../threads.js";
import { EXPERIMENTAL_FIELDS, ThreadForkParams, ThreadResumeParams, ThreadStartParams, TurnStartParams } from "../wire.js";

/** How long turn/start waits for core to begin the turn before answering with an error. */
const TURN_START_TIMEOUT_MS = 60_000;

function coreInputs(input: v2.UserInput[]): unknown[] {
  return input.map((item, index) => {
    const converted = toCoreUserInput(item);
    if ("error" in converted) throw invalidParams(`input.${index}: ${converted.error}`);
    return converted;
  });
}

/**
 * Subscribes the requesting connection to the thread, announces the thread after its
 * start/fork response, then lets its held notifications through.
 */
function announce(ctx: MethodContext, thread: LiveThread, thread_v2: v2.Thread, started: boolean): void {
  thread.subscribers.add(ctx.server);
  ctx.afterResponse(() => {
    if (started) ctx.server.notify("thread/started", { thread: thread_v2 });
    thread.release();
  });
}

/**
 * Starts the server's warm-up for this thread's first turn once the response has been handed to
 * the OS: a resumed or forked thread's response can be large, and its flush must not wait for it.
 */
function warmAfterResponse(ctx: MethodContext): void {
  ctx.afterResponse(() => void ctx.server.flush().then(() => ctx.server.prewarm()));
}

/** A method handled in the background (see `MethodSpec.concurrent`). */
function concurrently<S extends z.ZodType>(spec: Parameters<typeof method<S>>[0]): MethodSpec {
  return { ...method(spec), concurrent: true };
}

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

/** Every method this server implements, keyed by JSON-RPC method name. */
export function buildMethods(runtime: Runtime): Map<string, MethodSpec> {
  const methods = new Map<string, MethodSpec>();
  const add = (name: string, spec: MethodSpec) => {
    const experimentalFields = EXPERIMENTAL_FIELDS[name];
    methods.set(name, experimentalFields ? { ...spec, experimentalFields } : spec);
  };
  const threads = runtime.threads;

  /* ---------------------------------------------------------------- threads */

  add(
    "thread/start",
    method({
      params: ThreadStartParams,
      handler: async (p, ctx) => {
        ctx.server.prewarm();
        const { response, thread } = await threads.start(p);
        announce(ctx, thread, response.thread, true);
        return response;
      },
    }),
  );

  add(
    "thread/resume",
    method({
      params: ThreadResumeParams.extend({ threadId: z.string().default("") }).refine((p) => p.threadId !== "" || !!p.path, {
        message: "threadId or path is required",
        path: ["threadId"],
      }),
      handler: async (p, ctx) => {
        const { response, thread } = await threads.resume(p);
        announce(ctx, thread, response.thread, false);
        announceThreadGoal(ctx, thread);
        warmAfterResponse(ctx);
        return response;
      },
    }),
  );

  add(
    "thread/fork",
    method({
      params: ThreadForkParams.extend({ threadId: z.string().default("") }).refine((p) => p.threadId !== "" || !!p.path, {
        message: "threadId or path is required",
        path: ["threadId"],
      }),
      handler: async (p, ctx) => {
        const { response, thread } = await threads.fork(p);
        announce(ctx, thread, response.thread, true);
        warmAfterResponse(ctx);
        return response;
      },
    }),
  );

  add(
    "thread/read",
    method({
      params: v2.ThreadReadParams,
      handler: async (p) => ({ thread: await threads.read(p.threadId, p.includeTurns ?? false) }),
    }),
  );

  add("thread/list", method({ params: v2.ThreadListParams, handler: (p) => threads.list(p) }));

  add(
    "thread/loaded/list",
    method({
      params: v2.ThreadLoadedListParams,
      handler: (p) => {
        const ids = [...threads.threads.keys()].sort();
        const start = p.cursor ? Number.parseInt(p.cursor, 10) : 0;
        if (!Number.isSafeInteger(start) || start < 0) throw invalidParams("cursor: invalid cursor");
        const end = p.limit ? start + p.limit : ids.length;
        return { data: ids.slice(start, end), nextCursor: end < ids.length ? String(end) : null };
      },
    }),
  );

  add(
    "thread/archive",
    method({
      params: v2.ThreadArchiveParams,
      handler: async (p, ctx) => {
        await threads.archive(p.threadId);
        ctx.afterResponse(() => runtime.broadcast("thread/archived", { threadId: p.threadId }));
        return {};
      },
    }),
  );

  add(
    "thread/unarchive",
    method({
      params: v2.ThreadUnarchiveParams,
      handler: async (p, ctx) => {
        const thread = await threads.unarchive(p.threadId);
        ctx.afterResponse(() => runtime.broadcast("thread/unarchived", { threadId: p.threadId }));
        return { thread };
      },
    }),
  );

  add(
    "thread/name/set",
    method({
      params: v2.ThreadSetNameParams,
      handler: async (p, ctx) => {
        const loaded = threads.threads.has(p.threadId);
        await threads.setName(p.threadId, p.name);
        if (!loaded) {
          const name = p.name.trim() === "" ? null : p.name.trim();
          ctx.afterResponse(() => runtime.broadcast("thread/name/updated", { threadId: p.threadId, threadName: name }));
        }
        return {};
      },
    }),
  );

  add(
    "thread/unsubscribe",
    method({
      params: v2.ThreadUnsubscribeParams,
      handler: async (p, ctx) => {
        const thread = threads.threads.get(p.threadId);
        if (!thread) return { status: "notLoaded" };
        if (!thread.subscribers.remove(ctx.server)) return { status: "notSubscribed" };
        if (!thread.subscribed) await threads.unwatchSkills(p.threadId);
        return { status: "unsubscribed" };
      },
    }),
  );

  add(
    "thread/compact/start",
    method({
      params: v2.ThreadCompactStartParams,
      handler: (p, ctx) => {
        const thread = threads.loaded(p.threadId);
        thread.hold();
        ctx.afterResponse(() => thread.release());
        thread.compact();
        return {};
      },
    }),
  );

  /* ---------------------------------------------------------------- turns */

  // Runs in the background: waiting for core to begin the turn must not hold up other threads' requests.
  add(
    "turn/start",
    concurrently({
      params: TurnStartParams,
      handler: async (p, ctx) => {
        const thread = threads.loaded(p.threadId);
        const items = coreInputs(p.input);
        const settings: Record<string, unknown> = {};
        const cwd = p.cwd ? path.resolve(thread.session.settings().cwd, p.cwd) : undefined;
        if (cwd) assertDirectory(cwd);
        if (p.model) settings.model = p.model;
        if (cwd) settings.cwd = cwd;
        if (p.approvalPolicy) settings.approval_policy = p.approvalPolicy;
        if (p.permissions && p.sandboxPolicy) throw invalidRequest("`permissions` cannot be combined with `sandboxPolicy`");
        const sandboxPolicy = p.permissions ? threads.permissionsPolicy(p.permissions) : p.sandboxPolicy;
        if (sandboxPolicy) settings.permission_profile = sandboxPolicyToProfile(sandboxPolicy, cwd ?? thread.session.settings().cwd);
        if (p.effort) settings.reasoning_effort = p.effort;
        if (p.summary) settings.reasoning_summary = p.summary;
        if (p.serviceTier) settings.service_tier = p.serviceTier;
        if (p.runtimeWorkspaceRoots) settings.runtime_workspace_roots = p.runtimeWorkspaceRoots;
        if (p.collaborationMode) settings.collaboration_mode = p.collaborationMode;
        if (cwd && cwd !== thread.session.settings().cwd) await threads.watchSkills(thread.id, cwd);
        const op: Record<string, unknown> = { type: "user_input", items };
        if (Object.keys(settings).length > 0) op.thread_settings = settings;
        if (p.outputSchema !== undefined && p.outputSchema !== null) op.final_output_json_schema = p.outputSchema;
        if (p.clientUserMessageId) op.client_id = p.clientUserMessageId;
        thread.hold();
        ctx.afterResponse(() => thread.release());
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(invalidRequest("the turn did not start in time")), TURN_START_TIMEOUT_MS);
        });
        try {
          const turn = await Promise.race([thread.startTurn(op), timeout]);
          return { turn };
        } finally {
          clearTimeout(timer);
        }
      },
    }),
  );

  add(
    "turn/steer",
    method({
      params: v2.TurnSteerParams,
      handler: (p) => ({ turnId: threads.loaded(p.threadId).steer(p.expectedTurnId, coreInputs(p.input)) }),
    }),
  );

  add(
    "turn/interrupt",
    method({
      params: v2.TurnInterruptParams,
      handler: (p) => {
        threads.loaded(p.threadId).interrupt(p.turnId);
        return {};
      },
    }),
  );

  /* ---------------------------------------------------------------- models */

  add(
    "model/list",
    method({
      params: v2.ModelListParams,
      handler: (p) => {
        const { config } = loadEffectiveConfig({ codexHome: runtime.codexHome, env: runtime.env });
        const efforts = ["low", "medium", "high"].map((effort) => ({ reasoningEffort: effort, description: `${effort} reasoning effort` }));
        const catalog = [...new Set([config.model, "gpt-5.1-codex", "gpt-5.1-codex-mini", "gpt-5.1"])].map((model) => ({
          id: model,
          model,
          displayName: model,
          description: model === config.model ? "The configured default model" : `OpenAI ${model}`,
          hidden: false,
          isDefault: model === config.model,
          supportedReasoningEfforts: efforts,
          defaultReasoningEffort: config.modelReasoningEffort ?? "medium",
          inputModalities: ["text", "image"],
        }));
        const start = p.cursor ? Number.parseInt(p.cursor, 10) : 0;
        if (!Number.isSafeInteger(start) || start < 0) throw invalidParams("cursor: invalid cursor");
        const end = p.limit ? start + p.limit : catalog.length;
        return { data: catalog.slice(start, end), nextCursor: end < catalog.length ? String(end) : null };
      },
    }),
  );

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

  /* ---------------------------------------------------------------- command/exec */

  add("command/exec", {
    ...concurrently({
      params: CommandExecParams,
      handler: async (p, ctx) => {
        // Streamed output goes to the connection that started the process.
        const processId = (p as { processId?: string | null }).processId;
        if (processId) runtime.commandOwners.set(processId, ctx.server);
        try {
          return await runtime.commands.exec(p);
        } finally {
          if (processId && runtime.commandOwners.get(processId) === ctx.server) runtime.commandOwners.delete(processId);
        }
      },
    }),
    experimentalFields: COMMAND_EXEC_EXPERIMENTAL_FIELDS,
  });
  add(
    "command/exec/write",
    method({
      params: CommandExecWriteParams,
      handler: (p) => {
        runtime.commands.write(p.processId, p.deltaBase64 ?? null, p.closeStdin ?? false);
        return {};
      },
    }),
  );
  add(
    "command/exec/resize",
    method({
      params: CommandExecResizeParams,
      handler: (p) => {
        runtime.commands.resize(p.processId, p.size);
        return {};
      },
    }),
  );
  add(
    "command/exec/terminate",
    method({
      params: CommandExecTerminateParams,
      handler: (p) => {
        runtime.commands.terminate(p.processId);
        return {};
      },
    }),
  );

  for (const group of [fsMethods, accountMethods, catalogMethods, goalMethods, mcpMethods, offlineMethods, threadHistoryMethods, threadOrganizeMethods, workspaceMethods]) {
    for (const [name, spec] of group(runtime)) add(name, spec);
  }
  return methods;
}
