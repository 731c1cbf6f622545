import { Text } from "ink";
import { useEffect, useState } from "react";

/** "Working (12s • esc to interrupt)" while a turn runs; ticks once a second. */
export function WorkingIndicator({ since, now = Date.now }: { since: number; now?: () => number }) {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.floor((now() - since) / 1000));
  return (
    <Text>
      <Text color="cyan">{"• "}</Text>
      <Text bold>Working</Text>
      <Text dimColor>{` (${seconds}s • esc to interrupt)`}</Text>
    </Text>
  );
}
