import { Box, Text } from "ink";
import type { SessionInfo } from "../state/types.js";
import { shortPath } from "./StatusLine.js";

/** The session box at the top of the transcript: version, model, directory. */
export function Header({ session, version }: { session: SessionInfo; version: string }) {
  return (
    <Box flexDirection="column" borderStyle="round" borderDimColor paddingX={1} alignSelf="flex-start">
      <Text>
        <Text bold>{">_ codex-ts"}</Text>
        <Text dimColor>{` (v${version})`}</Text>
      </Text>
      <Text> </Text>
      <Text>
        <Text dimColor>{"model:     "}</Text>
        <Text>{`${session.model}${session.reasoningEffort ? ` ${session.reasoningEffort}` : ""}`}</Text>
      </Text>
      <Text>
        <Text dimColor>{"directory: "}</Text>
        <Text>{shortPath(session.cwd)}</Text>
      </Text>
    </Box>
  );
}
