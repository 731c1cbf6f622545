import type { v2 } from "@codex-ts/protocol";
import { Box, Text } from "ink";
import { useKeys } from "../hooks/useKeys.js";
import { useSyncState } from "../hooks/useSyncState.js";

export interface ResumePickerProps {
  threads: v2.Thread[];
  title?: string;
  onPick: (thread: v2.Thread) => void;
  onCancel: () => void;
  /** Rows of the list shown at once. */
  rows?: number;
}

/** Resume a saved chat: type to filter by its text, arrows to choose, Enter to resume. */
export function ResumePicker({
  threads,
  title: heading = "Resume a previous session",
  onPick,
  onCancel,
  rows = 10,
}: ResumePickerProps) {
  const [query, setQuery, queryRef] = useSyncState("");
  const [selected, setSelected, selectedRef] = useSyncState(0);
  const matches = filterThreads(threads, query);
  useKeys((key) => {
    const matches = filterThreads(threads, queryRef.current);
    if (key.kind === "escape" || (key.kind === "ctrl" && key.letter === "c")) onCancel();
    else if (key.kind === "enter") {
      const thread = matches[selectedRef.current];
      if (thread) onPick(thread);
    } else if (key.kind === "up") setSelected((s) => Math.max(0, s - 1));
    else if (key.kind === "down") setSelected((s) => Math.min(matches.length - 1, s + 1));
    else if (key.kind === "backspace") {
      setQuery((q) => q.slice(0, -1));
      setSelected(0);
    } else if (key.kind === "text") {
      setQuery((q) => q + key.text);
      setSelected(0);
    }
  });
  const start = Math.max(0, Math.min(selected - rows + 1, matches.length - rows));
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>{heading}</Text>
      <Text>
        <Text dimColor>{"Search: "}</Text>
        <Text>{query}</Text>
        <Text inverse> </Text>
      </Text>
      {matches.length === 0 ? <Text dimColor>No sessions match.</Text> : null}
      {matches.slice(start, start + rows).map((thread, i) => (
        <Text key={thread.id} color={start + i === selected ? "cyan" : undefined} wrap="truncate-end">
          {`${start + i === selected ? "›" : " "} ${age(thread.updatedAt)}  ${title(thread)}`}
        </Text>
      ))}
      <Text dimColor>enter to choose · esc to cancel</Text>
    </Box>
  );
}

export function title(thread: v2.Thread): string {
  return (thread.name ?? thread.preview ?? "").replace(/\s+/g, " ").trim() || thread.id;
}

export function filterThreads(threads: v2.Thread[], query: string): v2.Thread[] {
  const q = query.toLowerCase().trim();
  if (q === "") return threads;
  return threads.filter((t) => title(t).toLowerCase().includes(q) || t.id.startsWith(q));
}

function age(updatedAt: number): string {
  const seconds = Math.max(0, Math.floor(Date.now() / 1000 - updatedAt));
  if (seconds < 60) return `${seconds}s ago`.padEnd(8);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`.padEnd(8);
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`.padEnd(8);
  return `${Math.floor(seconds / 86_400)}d ago`.padEnd(8);
}
