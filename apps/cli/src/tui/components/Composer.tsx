import { Box, Text } from "ink";
import type { ReactNode } from "react";
import type { ComposerState } from "../state/composer.js";

const PLACEHOLDER = "Ask Codex to do anything";

export interface ComposerProps {
  composer: ComposerState;
  focused?: boolean;
  /**
   * The prompt glyph. The first frame, drawn before anything else has loaded, uses an ASCII one:
   * Ink's first measure of a non-ASCII string compiles Unicode tables (~100 ms).
   */
  glyph?: string;
}

/**
 * The prompt being typed, with the cursor shown as an inverse cell. The glyph is its own text node
 * (measured once), so a keystroke re-measures only the typed line.
 */
export function Composer({ composer, focused = true, glyph = "›" }: ComposerProps) {
  const { text, cursor } = composer;
  const lines = text.split("\n");
  let offset = 0;
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => {
        const start = offset;
        offset += line.length + 1;
        const here = focused && cursor >= start && cursor <= start + line.length;
        let body: ReactNode;
        if (text === "" && i === 0) {
          body = (
            <Text>
              {focused ? <Text inverse>{PLACEHOLDER[0]}</Text> : null}
              <Text dimColor>{focused ? PLACEHOLDER.slice(1) : PLACEHOLDER}</Text>
            </Text>
          );
        } else if (!here) {
          body = <Text>{line === "" ? " " : line}</Text>;
        } else {
          const col = cursor - start;
          body = (
            <Text>
              {line.slice(0, col)}
              <Text inverse>{line[col] ?? " "}</Text>
              {line.slice(col + 1)}
            </Text>
          );
        }
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: composer lines are positional
          <Box key={i} flexDirection="row">
            <Text bold>{i === 0 ? `${glyph} ` : "  "}</Text>
            {body}
          </Box>
        );
      })}
    </Box>
  );
}
