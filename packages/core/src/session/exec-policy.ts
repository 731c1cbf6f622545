// `.rules` enforcement for a session in one call: load the rules Codex reads and persist the
// prefix rules the user accepts.
import {
  appendAllowPrefixRule,
  defaultRulesPath,
  formatLoadError,
  loadExecPolicy,
  type Policy,
} from "@codex-ts/execpolicy";
import { standardLayers } from "@codex-ts/hooks";
import { loadRequirements } from "../requirements/index.js";

export interface SessionExecPolicyOptions {
  /** CODEX_HOME: `<codexHome>/rules/*.rules` are read, and accepted amendments go to `rules/default.rules`. */
  codexHome: string;
  /** The session's cwd: `.codex/rules/` of every folder from the git root down to it are read too. */
  cwd: string;
  /** Read project `.codex/rules` (default true; pass false for an untrusted project). */
  includeProjectRules?: boolean;
  /** Rules from managed requirements (always applied); default: requirements.toml's `[rules]` and network domains. */
  requirements?: Policy;
  /** Managed `ignore_user_and_project_rules`: only `requirements` apply. */
  ignoreUserAndProjectRules?: boolean;
  /** Told when an accepted amendment could not be written. */
  onWarning?: (message: string) => void;
}

export type SessionExecPolicy =
  | {
      ok: true;
      /** Spread into SessionOptions: the rules, and the writer of accepted prefix rules. */
      execPolicy: Policy;
      onExecpolicyAmendment: (prefix: string[]) => Promise<void>;
      /** Rules files read, in load order. */
      files: string[];
      /** A user/project rules file did not parse: only the requirements apply (as in Codex). */
      warnings: string[];
    }
  | { ok: false; error: string };

/**
 * Load the exec policy a session enforces: `<codexHome>/rules`, then the project `.codex/rules`
 * folders (git root → cwd), merged with managed requirements. Accepted "always allow" prefixes
 * are appended to `<codexHome>/rules/default.rules` with Codex's exact rule text.
 */
export async function loadSessionExecPolicy(options: SessionExecPolicyOptions): Promise<SessionExecPolicy> {
  const projectConfigFolders =
    options.includeProjectRules === false
      ? []
      : standardLayers({ codexHome: options.codexHome, cwd: options.cwd })
          .filter((layer) => layer.source === "project")
          .map((layer) => layer.dir);
  // Managed requirements: given, or read from requirements.toml (a bad file refuses the session).
  const required = options.requirements ? undefined : loadRequirements();
  if (required && !required.ok) return { ok: false, error: required.error };
  const requirements = options.requirements ?? required?.value?.execPolicy;
  const loaded = await loadExecPolicy({
    codexHome: options.codexHome,
    projectConfigFolders,
    ...(requirements ? { requirements } : {}),
    ...(options.ignoreUserAndProjectRules ? { ignoreUserAndProjectRules: true } : {}),
  });
  if (!loaded.ok) return { ok: false, error: formatLoadError(loaded.error) };
  const rulesPath = defaultRulesPath(options.codexHome);
  return {
    ok: true,
    execPolicy: loaded.value.policy,
    files: loaded.value.files,
    warnings: loaded.value.warning ? [formatLoadError(loaded.value.warning)] : [],
    onExecpolicyAmendment: async (prefix) => {
      const written = await appendAllowPrefixRule(rulesPath, prefix);
      if (!written.ok) options.onWarning?.(`could not save the rule for \`${prefix.join(" ")}\` to ${rulesPath}: ${written.error.message}`);
    },
  };
}
