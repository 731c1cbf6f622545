import { Box, Text } from "ink";
import { useKeys } from "../hooks/useKeys.js";
import { useSyncState } from "../hooks/useSyncState.js";
import { approvalOptions, approvalPrompt } from "../state/approvals.js";
import type { PendingRequest } from "../state/types.js";
import { FileChangeEntry } from "./items/FileChange.js";

export interface ApprovalOverlayProps {
  pending: PendingRequest;
  onAnswer: (result: unknown) => void;
  /** Esc / Ctrl-C: the cancel answer. */
  onCancel: () => void;
}

/** The approval prompt: what is asked, and one button per decision the server allows. */
export function ApprovalOverlay({ pending, onAnswer, onCancel }: ApprovalOverlayProps) {
  const options = approvalOptions(pending);
  const { title, lines } = approvalPrompt(pending);
  const [selected, setSelected, selectedRef] = useSyncState(0);
  useKeys((key) => {
    if (key.kind === "up") setSelected((s) => (s + options.length - 1) % options.length);
    else if (key.kind === "down" || key.kind === "tab") setSelected((s) => (s + 1) % options.length);
    else if (key.kind === "enter") onAnswer(options[selectedRef.current]!.result);
    else if (key.kind === "escape" || (key.kind === "ctrl" && key.letter === "c")) onCancel();
    else if (key.kind === "text") {
      const byKey = options.find((o) => o.shortcut === key.text.toLowerCase());
      const byNumber = options[Number(key.text) - 1];
      const chosen = byKey ?? byNumber;
      if (chosen) onAnswer(chosen.result);
    }
  });
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" paddingX={1}>
      <Text bold>{title}</Text>
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: prompt lines are positional
        <Text key={i}>{line}</Text>
      ))}
      {pending.kind === "fileChange"
        ? pending.changes.map((change) => <FileChangeEntry key={change.path} change={change} />)
        : null}
      <Text> </Text>
      {options.map((option, i) => (
        <Text key={option.label} color={i === selected ? "cyan" : undefined}>
          {`${i === selected ? "›" : " "} ${i + 1}. ${option.label} (${option.shortcut})`}
        </Text>
      ))}
    </Box>
  );
}
