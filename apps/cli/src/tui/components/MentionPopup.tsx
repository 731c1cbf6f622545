import { Box, Text } from "ink";
import type { MentionPopup as Popup } from "../hooks/useMentionPopup.js";

const ROWS = 8;

/** The `@` file / `$` skill list under the composer; the selected entry is highlighted. */
export function MentionPopup({ popup, selected }: { popup: Popup; selected: number }) {
  if (popup.entries.length === 0) return <Text dimColor>{`  ${popup.status ?? ""}`}</Text>;
  const start = Math.max(0, Math.min(selected - ROWS + 1, popup.entries.length - ROWS));
  return (
    <Box flexDirection="column">
      {popup.entries.slice(start, start + ROWS).map((entry, i) => (
        <Text key={entry.label} color={start + i === selected ? "cyan" : undefined} wrap="truncate-end">
          {`  ${entry.label}`}
          {entry.detail ? <Text dimColor>{`  ${entry.detail}`}</Text> : null}
        </Text>
      ))}
    </Box>
  );
}
