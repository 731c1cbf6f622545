import type { CommandSpec, OptionSpec } from "./specs/options.js";

const WIDTH = 100;
/** Entries whose left column is longer than this put their description on the next line. */
const MAX_LEFT = 34;

/**
 * `--help` text for any command, in one layout (clap's short help): summary, usage, then the
 * Commands, Arguments and Options sections as two aligned columns, descriptions wrapped at 100
 * columns and never glued to a long flag.
 */
export function renderHelp(spec: CommandSpec): string {
  const sections: Array<[string, Array<[string, string]>]> = [
    ["Commands", (spec.subcommands ?? []).filter((c) => !c.hidden).map((c) => [c.name, commandSummary(c)])],
    ["Arguments", (spec.arguments ?? []).map((a) => [a.name, a.description])],
    ["Options", spec.options.filter((o) => !o.hidden).map((o) => [optionLabel(o), optionDescription(o)])],
  ];
  const lefts = sections.flatMap(([, rows]) => rows.map(([left]) => left.length)).filter((n) => n <= MAX_LEFT);
  const column = 2 + Math.max(0, ...lefts) + 2;
  const lines = [spec.summary, "", `Usage: ${spec.usage.replace(/\n/g, "\n       ")}`];
  for (const [title, rows] of sections) {
    if (rows.length === 0) continue;
    lines.push("", `${title}:`);
    for (const [left, description] of rows) lines.push(...entry(left, description, column));
  }
  return `${lines.join("\n")}\n`;
}

function commandSummary(c: CommandSpec): string {
  return c.aliases?.length ? `${c.summary} [aliases: ${c.aliases.join(", ")}]` : c.summary;
}

function optionLabel(o: OptionSpec): string {
  const value = o.value ? ` <${o.value}>` : "";
  return `${o.short ? `-${o.short}, ` : "    "}--${o.name}${value}`;
}

function optionDescription(o: OptionSpec): string {
  return o.choices ? `${o.description} [possible values: ${o.choices.join(", ")}]` : o.description;
}

function entry(left: string, description: string, column: number): string[] {
  const text = wrap(description, WIDTH - column);
  const pad = " ".repeat(column);
  const first = `  ${left}`;
  if (first.length + 2 > column) return [first, ...text.map((t) => pad + t)];
  return text.map((t, i) => (i === 0 ? first.padEnd(column) + t : pad + t));
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  out.push(line);
  return out;
}
