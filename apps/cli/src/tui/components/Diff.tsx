import { Box, Text } from "ink";

/** A unified diff, coloured: additions green, deletions red, hunk headers cyan. */
export function Diff({ diff, maxLines = 60 }: { diff: string; maxLines?: number }) {
  const lines = diff.replace(/\n$/, "").split("\n");
  const shown = lines.slice(0, maxLines);
  return (
    <Box flexDirection="column">
      {shown.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: diff lines have no identity
        <Text key={i} color={lineColor(line)}>
          {line === "" ? " " : line}
        </Text>
      ))}
      {lines.length > shown.length ? <Text dimColor>{`… +${lines.length - shown.length} lines`}</Text> : null}
    </Box>
  );
}

export function lineColor(line: string): string | undefined {
  if (line.startsWith("+++") || line.startsWith("---")) return undefined;
  if (line.startsWith("+")) return "green";
  if (line.startsWith("-")) return "red";
  if (line.startsWith("@@")) return "cyan";
  return undefined;
}
