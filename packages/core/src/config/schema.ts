// The config.toml schema (snake_case, as Codex writes it). Objects are strict so unknown keys
// surface as `unrecognized_keys` issues, which the loader turns into warnings (errors in strict mode).
import { McpServersTableSchema } from "@codex-ts/mcp";
import * as z from "zod";

/** Sections other packages own (hooks, skills, MCP, TUI, …): accepted as-is and passed through. */
const passthrough = z.unknown().optional();

export const AskForApprovalSchema = z.union([
  z.enum(["untrusted", "on-failure", "on-request", "never"]),
  z.strictObject({
    granular: z.strictObject({
      sandbox_approval: z.boolean(),
      rules: z.boolean(),
      mcp_elicitations: z.boolean(),
      request_permissions: z.boolean().default(false),
      skill_approval: z.boolean().default(false),
    }),
  }),
], { error: 'expected one of "untrusted", "on-failure", "on-request", "never" or { granular = { sandbox_approval, rules, mcp_elicitations } }' });

export const SandboxModeSchema = z.enum(["read-only", "workspace-write", "danger-full-access"]);

export const SandboxWorkspaceWriteSchema = z.strictObject({
  writable_roots: z.array(z.string()).optional(),
  network_access: z.boolean().optional(),
  exclude_tmpdir_env_var: z.boolean().optional(),
  exclude_slash_tmp: z.boolean().optional(),
});

/**
 * `[network]`: proxied networking for sandboxed commands (@codex-ts/network-proxy). `enabled = true`
 * starts a proxy per session when the sandbox restricts the network; the domain lists are its
 * policy (Codex's keys). Other Codex keys of this table (proxy_url, mode, …) are accepted and ignored.
 */
export const NetworkConfigSchema = z.looseObject({
  enabled: z.boolean().optional(),
  allowed_domains: z.array(z.string()).optional(),
  denied_domains: z.array(z.string()).optional(),
  allow_local_binding: z.boolean().optional(),
});

export const ShellEnvironmentPolicySchema = z.strictObject({
  inherit: z.enum(["all", "core", "none"]).optional(),
  ignore_default_excludes: z.boolean().optional(),
  exclude: z.array(z.string()).optional(),
  set: z.record(z.string(), z.string()).optional(),
  include_only: z.array(z.string()).optional(),
  experimental_use_profile: z.boolean().optional(),
});

const stringRecord = z.record(z.string(), z.string());
const retryCount = z.number().int().min(0).max(100);

export const ModelProviderSchema = z.strictObject({
  name: z.string().optional(),
  base_url: z.string().optional(),
  env_key: z.string().optional(),
  env_key_instructions: z.string().optional(),
  experimental_bearer_token: z.string().optional(),
  wire_api: z.literal("responses", { message: 'only wire_api = "responses" is supported' }).optional(),
  query_params: stringRecord.optional(),
  http_headers: stringRecord.optional(),
  env_http_headers: stringRecord.optional(),
  request_max_retries: retryCount.optional(),
  stream_max_retries: retryCount.optional(),
  stream_idle_timeout_ms: z.number().int().positive().optional(),
  requires_openai_auth: z.boolean().optional(),
  supports_websockets: z.boolean().optional(),
});

export const ReasoningEffortSchema = z.enum(["none", "minimal", "low", "medium", "high", "xhigh"]);
export const ReasoningSummarySchema = z.enum(["auto", "concise", "detailed", "none"]);
export const VerbositySchema = z.enum(["low", "medium", "high"]);
export const WebSearchModeSchema = z.enum(["disabled", "cached", "live"]);

const modelSettings = {
  model: z.string().min(1).optional(),
  model_provider: z.string().min(1).optional(),
  approval_policy: AskForApprovalSchema.optional(),
  sandbox_mode: SandboxModeSchema.optional(),
  model_reasoning_effort: ReasoningEffortSchema.optional(),
  model_reasoning_summary: ReasoningSummarySchema.optional(),
  model_verbosity: VerbositySchema.optional(),
  web_search: WebSearchModeSchema.optional(),
  features: z.record(z.string(), z.boolean()).optional(),
  model_instructions_file: z.string().optional(),
  experimental_instructions_file: z.string().optional(),
  developer_instructions: z.string().optional(),
  chatgpt_base_url: z.string().optional(),
  include_apply_patch_tool: z.boolean().optional(),
  tools_web_search: z.boolean().optional(),
  tools_view_image: z.boolean().optional(),
  personality: z.string().optional(),
  service_tier: z.string().optional(),
};

export const ProfileSchema = z.strictObject({
  ...modelSettings,
  sandbox_workspace_write: SandboxWorkspaceWriteSchema.optional(),
  shell_environment_policy: ShellEnvironmentPolicySchema.optional(),
  model_context_window: z.number().int().positive().optional(),
  model_auto_compact_token_limit: z.number().int().positive().optional(),
  /** Servers of this profile; a name also in `[mcp_servers]` replaces that server. */
  mcp_servers: McpServersTableSchema.optional(),
});

export const ProjectSchema = z.strictObject({
  trust_level: z.enum(["trusted", "untrusted"]).optional(),
});

export const HistorySchema = z.strictObject({
  persistence: z.enum(["save-all", "none"]).optional(),
  max_bytes: z.number().int().nonnegative().optional(),
});

export const ToolsSchema = z.strictObject({
  web_search: z.boolean().optional(),
  view_image: z.boolean().optional(),
});

export const ConfigTomlSchema = z.strictObject({
  ...modelSettings,
  review_model: z.string().optional(),
  profile: z.string().optional(),
  profiles: z.record(z.string(), ProfileSchema).optional(),
  model_providers: z.record(z.string(), ModelProviderSchema).optional(),
  openai_base_url: z.string().optional(),
  model_context_window: z.number().int().positive().optional(),
  model_auto_compact_token_limit: z.number().int().positive().optional(),
  model_supports_reasoning_summaries: z.boolean().optional(),
  sandbox_workspace_write: SandboxWorkspaceWriteSchema.optional(),
  shell_environment_policy: ShellEnvironmentPolicySchema.optional(),
  projects: z.record(z.string(), ProjectSchema).optional(),
  history: HistorySchema.optional(),
  tools: ToolsSchema.optional(),
  instructions: z.string().optional(),
  project_doc_max_bytes: z.number().int().nonnegative().optional(),
  project_doc_fallback_filenames: z.array(z.string()).optional(),
  project_root_markers: z.array(z.string()).optional(),
  hide_agent_reasoning: z.boolean().optional(),
  show_raw_agent_reasoning: z.boolean().optional(),
  disable_response_storage: z.boolean().optional(),
  file_opener: z.string().optional(),
  notify: z.array(z.string()).optional(),
  // Owned by other packages / clients: validated there.
  network: NetworkConfigSchema.optional(),
  hooks: passthrough,
  skills: passthrough,
  mcp_servers: McpServersTableSchema.optional(),
  tui: passthrough,
  otel: passthrough,
  notice: passthrough,
  analytics: passthrough,
  feedback: passthrough,
  agents: passthrough,
  apps: passthrough,
  memories: passthrough,
  forced_login_method: passthrough,
  forced_chatgpt_workspace_id: passthrough,
  cli_auth_credentials_store: passthrough,
  mcp_oauth_credentials_store: passthrough,
  windows_wsl_setup_acknowledged: passthrough,
  windows: passthrough,
  check_for_update_on_startup: passthrough,
  disable_paste_burst: passthrough,
  experimental_use_rmcp_client: passthrough,
  experimental_use_freeform_apply_patch: passthrough,
  experimental_use_unified_exec_tool: passthrough,
  sandbox: passthrough,
  permissions: passthrough,
  ghost_snapshot: passthrough,
  // `[thread_store] url`: which thread store the app-server uses (read by apps/app-server store-select.ts).
  thread_store: passthrough,
  // What `codex-ts plugin add` / `plugin marketplace add` record (read by the plugin loader and the CLI).
  plugins: passthrough,
  marketplaces: passthrough,
  // A model catalog file replacing the bundled one (`codex-ts debug models` prints it).
  model_catalog_json: z.string().optional(),
});

export type ConfigToml = z.infer<typeof ConfigTomlSchema>;
export type ProfileToml = z.infer<typeof ProfileSchema>;
export type ModelProviderToml = z.infer<typeof ModelProviderSchema>;
export type AskForApproval = z.infer<typeof AskForApprovalSchema>;
export type SandboxMode = z.infer<typeof SandboxModeSchema>;
export type SandboxWorkspaceWrite = z.infer<typeof SandboxWorkspaceWriteSchema>;
export type ShellEnvironmentPolicy = z.infer<typeof ShellEnvironmentPolicySchema>;
export type ReasoningEffort = z.infer<typeof ReasoningEffortSchema>;
export type ReasoningSummary = z.infer<typeof ReasoningSummarySchema>;
