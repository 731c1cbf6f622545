import { Box, Text } from "ink";
import type { ComposerState } from "../state/composer.js";

const PLACEHOLDER = "Ask Codex to do anything";

/** The prompt being typed, with the cursor shown as an inverse cell. */
export function Composer({ composer, focused = true }: { composer: ComposerState; focused?: boolean }) {
  const { text, cursor } = composer;
  const lines = text.split("\n");
  let offset = 0;
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => {
        const start = offset;
        offset += line.length + 1;
        const prefix = i === 0 ? "› " : "  ";
        const here = focused && cursor >= start && cursor <= start + line.length;
        if (text === "" && i === 0) {
          return (
            <Text key="empty">
              <Text bold>{prefix}</Text>
              {focused ? <Text inverse>{PLACEHOLDER[0]}</Text> : null}
              <Text dimColor>{focused ? PLACEHOLDER.slice(1) : PLACEHOLDER}</Text>
            </Text>
          );
        }
        if (!here) {
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: composer lines are positional
            <Text key={i}>
              <Text bold>{prefix}</Text>
              {line === "" ? " " : line}
            </Text>
          );
        }
        const col = cursor - start;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: composer lines are positional
          <Text key={i}>
            <Text bold>{prefix}</Text>
            {line.slice(0, col)}
            <Text inverse>{line[col] ?? " "}</Text>
            {line.slice(col + 1)}
          </Text>
        );
      })}
    </Box>
  );
}
