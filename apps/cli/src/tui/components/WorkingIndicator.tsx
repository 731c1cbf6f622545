import { Text } from "ink";
import { useEffect, useState } from "react";

/**
 * "Working (12s • esc to interrupt)" while a turn runs; ticks once a second. The background
 * terminals' summary, when any run, follows on the same row (Codex keeps the row count stable).
 */
export function WorkingIndicator({
  since,
  summary = null,
  now = Date.now,
}: {
  since: number;
  summary?: string | null;
  now?: () => number;
}) {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.floor((now() - since) / 1000));
  return (
    <Text wrap="truncate-end">
      <Text color="cyan">{"• "}</Text>
      <Text bold>Working</Text>
      <Text dimColor>{` (${seconds}s • esc to interrupt)`}</Text>
      {summary ? <Text dimColor>{` · ${summary}`}</Text> : null}
    </Text>
  );
}
