import type { v2 } from "@codex-ts/protocol";
import { Box, Text } from "ink";
import { displayCommand, formatDuration, truncateOutput } from "../../format.js";

type Item = Extract<v2.ThreadItem, { type: "commandExecution" }>;

/** A command cell: the command, its output truncated in the middle, exit code and duration. */
export function CommandExecution({ item }: { item: Item }) {
  const running = item.status === "inProgress";
  const failed =
    item.status === "failed" || item.status === "declined" || (item.exitCode !== null && item.exitCode !== 0);
  const bullet = running ? "•" : failed ? "✗" : "✓";
  const verb = running ? "Running" : item.status === "declined" ? "Declined" : "Ran";
  return (
    <Box flexDirection="column">
      <Text>
        <Text color={running ? undefined : failed ? "red" : "green"}>{`${bullet} `}</Text>
        <Text bold>{`${verb} `}</Text>
        <Text>{displayCommand(item.command)}</Text>
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

function summary(item: Item): string {
  const parts: string[] = [];
  if (item.exitCode !== null) parts.push(`exit ${item.exitCode}`);
  else if (item.status === "declined") parts.push("declined");
  if (item.durationMs !== null) parts.push(formatDuration(item.durationMs));
  return parts.length > 0 ? `  ${parts.join(" · ")}` : "";
}
