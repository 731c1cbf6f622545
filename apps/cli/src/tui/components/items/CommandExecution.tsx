import type { v2 } from "@codex-ts/protocol";
import { Box, Text } from "ink";

type Item = Extract<v2.ThreadItem, { type: "commandExecution" }>;

/** Lines of output shown at each end of a long output. */
const HEAD = 2;
const TAIL = 3;

/** A command cell: the command, its output truncated in the middle, exit code and duration. */
export function CommandExecution({ item }: { item: Item }) {
  const running = item.status === "inProgress";
  const failed = item.status === "failed" || item.status === "declined" || (item.exitCode !== null && item.exitCode !== 0);
  const bullet = running ? "•" : failed ? "✗" : "✓";
  const verb = running ? "Running" : item.status === "declined" ? "Declined" : "Ran";
  return (
    <Box flexDirection="column">
      <Text>
        <Text color={running ? undefined : failed ? "red" : "green"}>{`${bullet} `}</Text>
        <Text bold>{`${verb} `}</Text>
        <Text>{item.command}</Text>
      </Text>
      <Box flexDirection="column" paddingLeft={2}>
        {truncateOutput(item.aggregatedOutput ?? "").map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: output lines have no identity
          <Text key={i} dimColor>
            {`${i === 0 ? "└ " : "  "}${line}`}
          </Text>
        ))}
        {running ? null : <Text dimColor>{summary(item)}</Text>}
      </Box>
    </Box>
  );
}

export function truncateOutput(output: string): string[] {
  const lines = output.replace(/\n$/, "").split("\n");
  if (lines.length === 1 && lines[0] === "") return [];
  if (lines.length <= HEAD + TAIL + 1) return lines;
  return [...lines.slice(0, HEAD), `… +${lines.length - HEAD - TAIL} lines`, ...lines.slice(-TAIL)];
}

function summary(item: Item): string {
  const parts: string[] = [];
  if (item.exitCode !== null) parts.push(`exit ${item.exitCode}`);
  else if (item.status === "declined") parts.push("declined");
  if (item.durationMs !== null) parts.push(formatDuration(item.durationMs));
  return parts.length > 0 ? `  ${parts.join(" · ")}` : "";
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  return `${Math.floor(seconds / 60)}m ${Math.round(seconds % 60)}s`;
}
