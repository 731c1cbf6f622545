import { Box, Text } from "ink";
import type { ReactNode } from "react";

/**
 * Markdown kept simple: headings, bullets, fenced code (shown in a colour, language noted),
 * inline `code` and **bold**. Everything else is plain text.
 */
export function Markdown({ text }: { text: string }) {
  const blocks: ReactNode[] = [];
  const lines = text.split("\n");
  let fence: { lang: string; lines: string[] } | null = null;
  lines.forEach((line, index) => {
    const key = String(index);
    const opening = /^\s*```(\S*)/.exec(line);
    if (fence) {
      if (opening && opening[1] === "") {
        blocks.push(<CodeBlock key={key} lines={fence.lines} />);
        fence = null;
      } else {
        fence.lines.push(line);
      }
      return;
    }
    if (opening) {
      fence = { lang: opening[1] ?? "", lines: [] };
      return;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      blocks.push(
        <Text key={key} bold>
          {inline(heading[2] ?? "")}
        </Text>,
      );
      return;
    }
    const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
    if (bullet) {
      blocks.push(
        <Text key={key}>
          {bullet[1]}
          {"• "}
          {inline(bullet[2] ?? "")}
        </Text>,
      );
      return;
    }
    blocks.push(<Text key={key}>{line === "" ? " " : inline(line)}</Text>);
  });
  const open = fence as { lang: string; lines: string[] } | null;
  if (open) blocks.push(<CodeBlock key="open" lines={open.lines} />);
  return <Box flexDirection="column">{blocks}</Box>;
}

function CodeBlock({ lines }: { lines: string[] }) {
  return (
    <Box flexDirection="column" paddingLeft={2}>
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines of one block have no identity
        <Text key={i} color="cyan">
          {line === "" ? " " : line}
        </Text>
      ))}
    </Box>
  );
}

/** `code` and **bold** spans of one line. */
export function inline(line: string): ReactNode[] {
  const parts: ReactNode[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*/g;
  let last = 0;
  let match: RegExpExecArray | null;
  // biome-ignore lint/suspicious/noAssignInExpressions: the regex walk
  while ((match = pattern.exec(line)) !== null) {
    if (match.index > last) parts.push(line.slice(last, match.index));
    if (match[1] !== undefined) {
      parts.push(
        <Text key={match.index} color="cyan">
          {match[1]}
        </Text>,
      );
    } else {
      parts.push(
        <Text key={match.index} bold>
          {match[2]}
        </Text>,
      );
    }
    last = match.index + match[0].length;
  }
  if (last < line.length) parts.push(line.slice(last));
  return parts;
}
