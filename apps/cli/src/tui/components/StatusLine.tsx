import os from "node:os";
import { Text } from "ink";
import { backgroundSummary } from "../state/background.js";
import { contextLeftPercent } from "../state/reducer.js";
import type { TuiState } from "../state/types.js";

/**
 * The line under the composer: model and effort, cwd, context left, the background terminals
 * while no turn runs (the working row shows them during a turn), or the quit hint.
 */
export function StatusLine({ state }: { state: TuiState }) {
  if (state.quitArmed) return <Text dimColor>{"  ctrl + c again to quit"}</Text>;
  if (state.backtrackArmed) return <Text dimColor>{"  esc again to edit previous message"}</Text>;
  const session = state.session;
  if (!session) return <Text dimColor>{"  starting..."}</Text>;
  const left = contextLeftPercent(state.tokenUsage);
  const parts = [
    `${session.model}${session.reasoningEffort ? ` ${session.reasoningEffort}` : ""}`,
    shortPath(session.cwd),
    left === null ? "100% context left" : `${left}% context left`,
  ];
  const background = state.turn ? null : backgroundSummary(state.background);
  if (background) parts.push(background);
  // One row whatever the width (Codex truncates its status rows rather than grow the pane).
  return (
    <Text dimColor wrap="truncate-end">
      {"  "}
      {state.mode === "plan" ? <Text color="magenta">{"Plan mode (shift+tab to cycle) · "}</Text> : null}
      {parts.join(" · ")}
    </Text>
  );
}

/** `~/x` for paths under the home directory. */
export function shortPath(p: string): string {
  const home = os.homedir();
  return home && (p === home || p.startsWith(`${home}/`)) ? `~${p.slice(home.length)}` : p;
}
