// The memories write trigger, owned by the app-server (as in Codex, where it moved out of core):
// when a root, non-ephemeral thread starts and `features.memories = true` (and
// `memories.generate_memories` is not false), a background job extracts memories from the user's
// earlier threads and writes them under CODEX_HOME/memories/:
//   phase 1 — each eligible rollout (another thread, idle for `min_rollout_idle_hours`, younger than
//             `max_rollout_age_days`, changed since its last extraction; at most
//             `max_rollouts_per_startup`) goes to the model once (`memories.extract_model`, else the
//             thread's model) with a strict JSON schema {rollout_summary, rollout_slug, raw_memory};
//   phase 2 — the results are written: rollout_summaries/<slug>.md, raw_memories.md (newest first)
//             and memory_summary.md (an index of the summaries; Codex has an agent consolidate it).
// Progress is kept in memories/stage1.json; every run ends by writing memories/last_run.json.
import { promises as fs } from "node:fs";
import path from "node:path";
import { type Config, mergeConfigLayers, ModelClient, readStoredApiKey } from "@codex-ts/core";
import type { ThreadStore } from "@codex-ts/thread-store";
import { loadEffectiveConfig } from "./config.js";
import { errorMessage } from "./errors.js";
import type { Runtime } from "./runtime.js";
import type { MethodSpec } from "./server.js";
import { extractionRequest, memoryItems, parseExtraction, type Extraction } from "./memories-extract.js";

export interface MemoriesSettings {
  maxRolloutsPerStartup: number;
  maxRolloutAgeDays: number;
  minRolloutIdleHours: number;
  extractModel: string | null;
}

/** The memories settings of a config, or null when generating memories is off. */
export function memoriesSettings(config: Pick<Config, "features" | "layers">): MemoriesSettings | null {
  if (config.features.memories !== true) return null;
  const table = mergeConfigLayers(config.layers).memories;
  const m = (typeof table === "object" && table !== null ? table : {}) as Record<string, unknown>;
  if (m.generate_memories === false) return null;
  const num = (key: string, fallback: number) =>
    typeof m[key] === "number" && (m[key] as number) >= 0 ? (m[key] as number) : fallback;
  return {
    maxRolloutsPerStartup: num("max_rollouts_per_startup", 8),
    maxRolloutAgeDays: num("max_rollout_age_days", 30),
    minRolloutIdleHours: num("min_rollout_idle_hours", 6),
    extractModel: typeof m.extract_model === "string" && m.extract_model !== "" ? m.extract_model : null,
  };
}

interface Stage1Entry {
  updatedAtMs: number;
  slug: string | null;
  summary: string | null;
  rawMemory: string | null;
  cwd: string;
}
type Stage1State = Record<string, Stage1Entry>;

export interface MemoriesRun {
  candidates: number;
  extracted: number;
  empty: number;
  failed: number;
  errors: string[];
}

const running = new Map<string, Promise<MemoriesRun>>();

/** One memories run for CODEX_HOME (a run already going is reused). Never throws. */
export function runMemoriesStartup(options: {
  codexHome: string;
  config: Config;
  settings: MemoriesSettings;
  store: ThreadStore;
  currentThreadId: string;
  env: Record<string, string | undefined>;
  now?: number;
}): Promise<MemoriesRun> {
  const existing = running.get(options.codexHome);
  if (existing) return existing;
  const run = runOnce(options).finally(() => running.delete(options.codexHome));
  running.set(options.codexHome, run);
  return run;
}

async function runOnce(options: Parameters<typeof runMemoriesStartup>[0]): Promise<MemoriesRun> {
  const { codexHome, config, settings, store } = options;
  const dir = path.join(codexHome, "memories");
  const result: MemoriesRun = { candidates: 0, extracted: 0, empty: 0, failed: 0, errors: [] };
  const now = options.now ?? Date.now();
  const state = await readState(dir);
  const listed = await store.list({
    limit: 200,
    sortKey: "updated_at",
    sourceKinds: ["cli", "vscode", "exec", "appServer"],
  });
  if (!listed.ok) {
    result.errors.push(listed.error.message);
    await finish(dir, result);
    return result;
  }
  const candidates = listed.value.data
    .filter((t) => t.id !== options.currentThreadId)
    .filter((t) => now - t.updatedAtMs >= settings.minRolloutIdleHours * 3_600_000)
    .filter((t) => now - t.updatedAtMs <= settings.maxRolloutAgeDays * 86_400_000)
    .filter((t) => state[t.id]?.updatedAtMs !== t.updatedAtMs)
    .slice(0, settings.maxRolloutsPerStartup);
  result.candidates = candidates.length;
  const client = new ModelClient({
    provider: config.modelProvider,
    env: options.env,
    ...(readStoredApiKey(codexHome) ? { storedApiKey: readStoredApiKey(codexHome)! } : {}),
  });
  for (const thread of candidates) {
    const loaded = await store.load(thread.id);
    if (!loaded.ok) {
      result.failed += 1;
      result.errors.push(`${thread.id}: ${loaded.error.message}`);
      continue;
    }
    const items = memoryItems(loaded.value.lines);
    let extraction: Extraction = { rollout_summary: "", rollout_slug: null, raw_memory: "" };
    if (!items.some((i) => (i as { role?: string }).role === "user")) {
      // nothing the user said: nothing to remember, no request
      result.empty += 1;
      state[thread.id] = {
        updatedAtMs: thread.updatedAtMs,
        slug: null,
        summary: null,
        rawMemory: null,
        cwd: thread.cwd,
      };
      continue;
    }
    try {
      extraction = await extract(client, settings.extractModel ?? config.model, thread.cwd, items);
    } catch (error) {
      result.failed += 1;
      result.errors.push(`${thread.id}: ${errorMessage(error)}`);
      continue;
    }
    const empty = extraction.raw_memory.trim() === "" || extraction.rollout_summary.trim() === "";
    if (empty) result.empty += 1;
    else result.extracted += 1;
    state[thread.id] = {
      updatedAtMs: thread.updatedAtMs,
      slug: empty ? null : extraction.rollout_slug,
      summary: empty ? null : extraction.rollout_summary,
      rawMemory: empty ? null : extraction.raw_memory,
      cwd: thread.cwd,
    };
  }
  await writeArtifacts(dir, state);
  await finish(dir, result);
  return result;
}

async function extract(
  client: ModelClient,
  model: string,
  cwd: string,
  items: unknown[],
): Promise<Extraction> {
  let text = "";
  for await (const event of client.stream(extractionRequest(model, cwd, items))) {
    if (event.type === "output_text_delta") text += event.delta;
    if (event.type === "output_item_done" && event.item.type === "message") {
      const parts = (event.item.content as Array<{ type: string; text?: string }>).filter(
        (c) => c.type === "output_text",
      );
      if (parts.length > 0) text = parts.map((c) => c.text ?? "").join("");
    }
  }
  return parseExtraction(text);
}

async function readState(dir: string): Promise<Stage1State> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, "stage1.json"), "utf8")) as Stage1State;
  } catch {
    return {};
  }
}

const slugOf = (entry: Stage1Entry, threadId: string) =>
  (entry.slug ?? "")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60) || threadId;

async function writeArtifacts(dir: string, state: Stage1State): Promise<void> {
  await fs.mkdir(path.join(dir, "rollout_summaries"), { recursive: true });
  await fs.writeFile(path.join(dir, "stage1.json"), `${JSON.stringify(state, null, 2)}\n`);
  const withMemory = Object.entries(state)
    .filter(([, e]) => e.rawMemory && e.summary)
    .sort(([, a], [, b]) => b.updatedAtMs - a.updatedAtMs);
  const raw: string[] = ["# Raw memories", ""];
  const index: string[] = ["v1", "", "## What's in Memory", ""];
  for (const [threadId, entry] of withMemory) {
    const slug = slugOf(entry, threadId);
    const when = new Date(entry.updatedAtMs).toISOString();
    const file = `rollout_summaries/${slug}.md`;
    await fs.writeFile(
      path.join(dir, file),
      `thread_id: ${threadId}\nupdated_at: ${when}\ncwd: ${entry.cwd}\n\n${entry.summary}\n`,
    );
    raw.push(`## Thread ${threadId} (${when}, ${entry.cwd})`, "", entry.rawMemory!.trim(), "");
    index.push(`- ${when.slice(0, 10)} ${entry.summary!.trim().split("\n")[0]} (${file})`);
  }
  await fs.writeFile(path.join(dir, "raw_memories.md"), `${raw.join("\n")}\n`);
  await fs.writeFile(path.join(dir, "memory_summary.md"), `${index.join("\n")}\n`);
}

async function finish(dir: string, result: MemoriesRun): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(
    path.join(dir, "last_run.json"),
    `${JSON.stringify({ ...result, finishedAt: new Date().toISOString() }, null, 2)}\n`,
  );
}

/**
 * Glue: after `thread/start` answers for a non-ephemeral thread, start the memories run in the
 * background when the thread's config enables it. Failures are logged, never sent to the client.
 */
export function withMemoriesTrigger(methods: Map<string, MethodSpec>, runtime: Runtime): void {
  const start = methods.get("thread/start");
  if (!start) return;
  methods.set("thread/start", {
    ...start,
    handler: async (params, ctx) => {
      const response = (await start.handler(params, ctx)) as {
        thread: { id: string; ephemeral: boolean };
        cwd: string;
      };
      if (!response.thread.ephemeral)
        ctx.afterResponse(() => void trigger(runtime, response.thread.id, response.cwd));
      return response;
    },
  });
}

async function trigger(runtime: Runtime, threadId: string, cwd: string): Promise<void> {
  try {
    const { config } = loadEffectiveConfig({ codexHome: runtime.codexHome, env: runtime.env, cwd });
    const settings = memoriesSettings(config);
    if (!settings) return;
    const run = await runMemoriesStartup({
      codexHome: runtime.codexHome,
      config,
      settings,
      store: await runtime.threads.store(),
      currentThreadId: threadId,
      env: runtime.env,
    });
    if (run.errors.length > 0) runtime.log.warn(`memories: ${run.errors.join("; ")}`);
  } catch (error) {
    runtime.log.warn(`memories: ${errorMessage(error)}`);
  }
}
