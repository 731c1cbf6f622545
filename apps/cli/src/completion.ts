import { type CommandSpec, ROOT } from "./spec.js";

function flags(spec: CommandSpec): string[] {
  const own = spec.options
    .filter((o) => !o.hidden)
    .flatMap((o) => [`--${o.name}`, ...(o.short ? [`-${o.short}`] : []), ...(o.aliases ?? []).map((a) => `--${a}`)]);
  // A group's completions offer its subcommands' flags too (`plugin add --json`, `plugin marketplace add --ref`).
  return [...new Set([...own, ...(spec.subcommands ?? []).flatMap((s) => flags(s))])];
}

/** Every subcommand name below `spec`, nested ones included (`plugin` → add, list, marketplace, upgrade, …). */
function subcommandNames(spec: CommandSpec): string[] {
  return [...new Set((spec.subcommands ?? []).flatMap((s) => [s.name, ...subcommandNames(s)]))];
}

function bash(root: CommandSpec): string {
  const cases = (root.subcommands ?? [])
    .map((c) => {
      const subs = subcommandNames(c).join(" ");
      return `    ${c.name}) words="${[subs, ...flags(c)].filter(Boolean).join(" ")}" ;;`;
    })
    .join("\n");
  return `# bash completion for codex-ts
_codex_ts() {
  local cur cmd words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    words="${[...(root.subcommands ?? []).map((c) => c.name), ...flags(root)].join(" ")}"
  else
    case "$cmd" in
${cases}
    *) words="" ;;
    esac
  fi
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -o default -F _codex_ts codex-ts
`;
}

function zsh(root: CommandSpec): string {
  const subs = (root.subcommands ?? []).map((c) => `'${c.name}:${c.summary.replace(/'/g, "")}'`).join(" ");
  const cases = (root.subcommands ?? [])
    .map((c) => `    ${c.name}) _values 'option' ${[...subcommandNames(c), ...flags(c)].map((f) => `'${f}'`).join(" ")} ;;`)
    .join("\n");
  return `#compdef codex-ts
_codex_ts() {
  if (( CURRENT == 2 )); then
    local -a commands
    commands=(${subs})
    _describe 'command' commands
    return
  fi
  case $words[2] in
${cases}
  esac
  _files
}
compdef _codex_ts codex-ts
`;
}

function fish(root: CommandSpec): string {
  const lines = ["# fish completion for codex-ts", "complete -c codex-ts -f"];
  for (const c of root.subcommands ?? []) {
    lines.push(`complete -c codex-ts -n '__fish_use_subcommand' -a '${c.name}' -d '${c.summary.replace(/'/g, "")}'`);
    for (const s of c.subcommands ?? []) {
      lines.push(`complete -c codex-ts -n '__fish_seen_subcommand_from ${c.name}' -a '${s.name}' -d '${s.summary.replace(/'/g, "")}'`);
    }
    for (const s of (c.subcommands ?? []).flatMap((g) => (g.subcommands ?? []).map((leaf) => [g.name, leaf] as const))) {
      lines.push(`complete -c codex-ts -n '__fish_seen_subcommand_from ${s[0]}' -a '${s[1].name}' -d '${s[1].summary.replace(/'/g, "")}'`);
    }
    for (const o of uniqueOptions(c)) {
      const short = o.short ? ` -s ${o.short}` : "";
      const arg = o.type === "string" ? " -r" : "";
      lines.push(`complete -c codex-ts -n '__fish_seen_subcommand_from ${c.name}' -l ${o.name}${short}${arg} -d '${o.description.replace(/'/g, "")}'`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The options of a command and of every command below it, each name once (the first spec wins). */
function uniqueOptions(spec: CommandSpec): CommandSpec["options"] {
  const all = [...spec.options, ...(spec.subcommands ?? []).flatMap((s) => uniqueOptions(s))].filter((o) => !o.hidden);
  return all.filter((o, i) => all.findIndex((x) => x.name === o.name) === i);
}

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

export function completionScript(shell: Shell, root: CommandSpec = ROOT): string {
  switch (shell) {
    case "bash":
      return bash(root);
    case "zsh":
      return zsh(root);
    case "fish":
      return fish(root);
  }
}
