// Sub-agent configuration: `[agents]` limits and `[agents.<name>]` agent types.
import { z } from "zod";

/** Codex's defaults: children may not spawn (depth 1), six open agents per session tree. */
export const DEFAULT_AGENT_MAX_DEPTH = 1;
export const DEFAULT_AGENT_MAX_THREADS = 6;
export const DEFAULT_AGENT_TYPE = "default";

const SANDBOX_MODES = ["read-only", "workspace-write", "danger-full-access"] as const;
export type AgentSandboxMode = (typeof SANDBOX_MODES)[number];

/** One `[agents.<name>]` table. */
export interface AgentType {
  name: string;
  description?: string;
  /** Developer instructions the child gets (added to the parent's, if any). */
  instructions?: string;
  model?: string;
  reasoningEffort?: string;
  /** A narrower sandbox for the child; a wider one than the parent's is ignored (never widened). */
  sandboxMode?: AgentSandboxMode;
}

export interface AgentsConfig {
  maxDepth: number;
  maxThreads: number;
  /** Configured types by name; `default` always exists. */
  types: Record<string, AgentType>;
}

const TypeTable = z
  .object({
    description: z.string().optional(),
    instructions: z.string().optional(),
    developer_instructions: z.string().optional(),
    model: z.string().optional(),
    model_reasoning_effort: z.string().optional(),
    sandbox_mode: z.enum(SANDBOX_MODES).optional(),
  })
  .passthrough();

/**
 * Read the raw `[agents]` table (unknown keys ignored). Invalid values are reported, never
 * thrown: the defaults are used for them.
 */
export function agentsConfigFromToml(raw: unknown): { config: AgentsConfig; warnings: string[] } {
  const warnings: string[] = [];
  const config: AgentsConfig = {
    maxDepth: DEFAULT_AGENT_MAX_DEPTH,
    maxThreads: DEFAULT_AGENT_MAX_THREADS,
    types: { [DEFAULT_AGENT_TYPE]: { name: DEFAULT_AGENT_TYPE } },
  };
  if (raw === undefined || raw === null) return { config, warnings };
  if (typeof raw !== "object" || Array.isArray(raw))
    return { config, warnings: ["[agents] must be a table; using the defaults"] };
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key === "max_depth" || key === "max_threads") {
      if (typeof value === "number" && Number.isInteger(value) && value >= (key === "max_depth" ? 0 : 1)) {
        if (key === "max_depth") config.maxDepth = value;
        else config.maxThreads = value;
      } else warnings.push(`agents.${key} must be a positive integer; using the default`);
      continue;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) continue;
    const parsed = TypeTable.safeParse(value);
    if (!parsed.success) {
      warnings.push(
        `agents.${key}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
      continue;
    }
    const t = parsed.data;
    const type: AgentType = { name: key };
    if (t.description !== undefined) type.description = t.description;
    const instructions = t.developer_instructions ?? t.instructions;
    if (instructions !== undefined) type.instructions = instructions;
    if (t.model !== undefined) type.model = t.model;
    if (t.model_reasoning_effort !== undefined) type.reasoningEffort = t.model_reasoning_effort;
    if (t.sandbox_mode !== undefined) type.sandboxMode = t.sandbox_mode;
    config.types[key] = type;
  }
  return { config, warnings };
}

const SANDBOX_RANK: Record<string, number> = {
  "read-only": 0,
  "workspace-write": 1,
  "danger-full-access": 2,
  "external-sandbox": 2,
};

/** The child's sandbox mode: the type's when it is not wider than the parent's. */
export function narrowerSandbox(
  parent: string,
  requested: AgentSandboxMode | undefined,
): AgentSandboxMode | undefined {
  if (requested === undefined) return undefined;
  return (SANDBOX_RANK[requested] ?? 3) < (SANDBOX_RANK[parent] ?? 0) ? requested : undefined;
}
