import { type CommandSpec, ROOT } from "./spec.js";

function flags(spec: CommandSpec): string[] {
  return spec.options
    .filter((o) => !o.hidden)
    .flatMap((o) => [`--${o.name}`, ...(o.short ? [`-${o.short}`] : []), ...(o.aliases ?? []).map((a) => `--${a}`)]);
}

function bash(root: CommandSpec): string {
  const cases = (root.subcommands ?? [])
    .map((c) => {
      const subs = (c.subcommands ?? []).map((s) => s.name).join(" ");
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
    .map((c) => `    ${c.name}) _values 'option' ${[...(c.subcommands ?? []).map((s) => s.name), ...flags(c)].map((f) => `'${f}'`).join(" ")} ;;`)
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
    for (const o of c.options.filter((x) => !x.hidden)) {
      const short = o.short ? ` -s ${o.short}` : "";
      const arg = o.type === "string" ? " -r" : "";
      lines.push(`complete -c codex-ts -n '__fish_seen_subcommand_from ${c.name}' -l ${o.name}${short}${arg} -d '${o.description.replace(/'/g, "")}'`);
    }
  }
  return `${lines.join("\n")}\n`;
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
