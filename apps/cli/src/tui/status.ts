/**
 * What /status prints: the session's settings, token usage, context left and each rate limit
 * (as Codex's status card lists them: a bar, the percentage used, when it resets). Pure.
 */
import type { v2 } from "@codex-ts/protocol";
import { contextLeftPercent } from "./state/reducer.js";
import type { TuiState } from "./state/types.js";

export function statusLines(state: TuiState, now = new Date()): string[] {
  const { session, tokenUsage } = state;
  if (!session) return ["No session."];
  const left = contextLeftPercent(tokenUsage);
  const lines = [
    `Model:        ${session.model}${session.reasoningEffort ? ` (reasoning ${session.reasoningEffort})` : ""}`,
    `Directory:    ${session.cwd}`,
    `Approval:     ${session.approvalPolicy}`,
    `Sandbox:      ${session.sandbox}`,
    `Mode:         ${state.mode === "plan" ? "Plan" : "Default"}`,
    `Session:      ${session.threadId}`,
  ];
  if (tokenUsage) {
    const t = tokenUsage.total;
    lines.push(`Token usage:  ${t.totalTokens} total (${t.inputTokens} input + ${t.outputTokens} output)`);
  } else {
    lines.push("Token usage:  0 total");
  }
  lines.push(`Context:      ${left === null ? 100 : left}% left`);
  lines.push(...rateLimitLines(state.rateLimits, now));
  return lines;
}

/** One line per rate-limit window, or a line saying none is known yet. */
export function rateLimitLines(snapshot: v2.RateLimitSnapshot | null, now = new Date()): string[] {
  const windows = snapshot ? [snapshot.primary, snapshot.secondary].filter((w) => w != null) : [];
  if (windows.length === 0) return ["Limits:       no data yet (sent by the server with a turn)"];
  const scope = snapshot?.limitName ? ` (${snapshot.limitName})` : "";
  return windows.map((w) => {
    const label = `${windowLabel(w.windowDurationMins ?? null)} limit${scope}:`.padEnd(14);
    const reset = w.resetsAt ? ` (resets ${resetText(w.resetsAt, now)})` : "";
    return `${label}${bar(w.usedPercent)} ${w.usedPercent}% used${reset}`;
  });
}

function windowLabel(minutes: number | null): string {
  if (minutes === null) return "Usage";
  if (minutes === 10_080) return "Weekly";
  if (minutes === 43_200 || minutes === 44_640) return "Monthly";
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

function bar(percent: number): string {
  const filled = Math.max(0, Math.min(20, Math.round(percent / 5)));
  return `[${"█".repeat(filled)}${"░".repeat(20 - filled)}]`;
}

/** `14:05` today, else `14:05 on 9 Dec`. `resetsAt` is in Unix seconds. */
function resetText(resetsAt: number, now: Date): string {
  const at = new Date(resetsAt * 1000);
  const time = `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
  if (at.toDateString() === now.toDateString()) return time;
  return `${time} on ${at.getDate()} ${at.toLocaleString("en", { month: "short" })}`;
}
