/** Codex tool names that run shell commands; hooks see them all as Claude Code's `Bash`. */
const SHELL_TOOLS = new Set([
  "shell",
  "shell_command",
  "local_shell",
  "exec_command",
  "unified_exec",
  "container.exec",
]);

/** Extra matcher names per tool (apply_patch also answers to Claude Code's Write and Edit). */
const ALIASES: Record<string, string[]> = { apply_patch: ["Write", "Edit"] };

/**
 * The tool name and matcher aliases a PreToolUse/PostToolUse hook sees for a Codex tool, so
 * Claude Code hook scripts (`matcher: "Bash"`) work unchanged.
 */
export function hookToolName(codexToolName: string): { toolName: string; matcherAliases: string[] } {
  if (SHELL_TOOLS.has(codexToolName)) return { toolName: "Bash", matcherAliases: [] };
  return { toolName: codexToolName, matcherAliases: ALIASES[codexToolName] ?? [] };
}

function quote(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * `tool_input` for a shell call: `{ command: "<script>" }`. An argv of the form
 * `[bash|sh|zsh, -c|-lc, script]` yields the script itself; any other argv is shell-quoted.
 */
export function shellToolInput(command: string | string[]): { command: string } {
  if (typeof command === "string") return { command };
  const [shell, flag, script] = command;
  if (
    command.length === 3 &&
    shell !== undefined &&
    /(^|\/)(ba|z|)sh$/.test(shell) &&
    (flag === "-c" || flag === "-lc") &&
    script !== undefined
  ) {
    return { command: script };
  }
  return { command: command.map(quote).join(" ") };
}
