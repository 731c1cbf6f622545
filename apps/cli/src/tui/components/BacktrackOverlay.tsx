import { Box, Text } from "ink";
import type { EarlierMessage } from "../backtrack.js";
import { useKeys } from "../hooks/useKeys.js";
import { useSyncState } from "../hooks/useSyncState.js";

export interface BacktrackOverlayProps {
  messages: EarlierMessage[];
  onPick: (message: EarlierMessage) => void;
  onCancel: () => void;
}

/**
 * Esc Esc: choose an earlier message to edit (the newest first; Esc or Up goes further back,
 * Down comes forward, Enter edits, Ctrl-C or q closes). Editing rolls the thread back to before it.
 */
export function BacktrackOverlay({ messages, onPick, onCancel }: BacktrackOverlayProps) {
  const [selected, setSelected, selectedRef] = useSyncState(messages.length - 1);
  useKeys((key) => {
    if (key.kind === "escape" || key.kind === "up") setSelected((s) => Math.max(0, s - 1));
    else if (key.kind === "down") setSelected((s) => Math.min(messages.length - 1, s + 1));
    else if (key.kind === "enter") onPick(messages[selectedRef.current]!);
    else if ((key.kind === "ctrl" && key.letter === "c") || (key.kind === "text" && key.text === "q"))
      onCancel();
  });
  const shown = messages.slice(Math.max(0, selected - 4), selected + 1);
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>{`Edit a previous message (${selected + 1}/${messages.length})`}</Text>
      {shown.map((m) => (
        <Text key={m.turnId} color={m === messages[selected] ? "cyan" : undefined} wrap="truncate-end">
          {`${m === messages[selected] ? "›" : " "} ${m.text.replace(/\s+/g, " ")}`}
        </Text>
      ))}
      <Text dimColor>esc/↑ earlier · ↓ later · enter to edit · ctrl+c to close</Text>
    </Box>
  );
}
