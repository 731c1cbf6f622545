import { Box, Text } from "ink";
import { useKeys } from "../hooks/useKeys.js";
import { useSyncState } from "../hooks/useSyncState.js";
import { shortPath } from "./StatusLine.js";

/** First run in an undecided folder: trust it (and work in it) or quit. */
export function TrustPrompt({ cwd, onChoice }: { cwd: string; onChoice: (trusted: boolean) => void }) {
  const [selected, setSelected, selectedRef] = useSyncState(0);
  const options = ["Yes, continue", "No, quit"];
  // Answered once: keys arriving before the prompt goes away (a Ctrl-C right after "1") must not
  // answer again.
  const [, setAnswered, answered] = useSyncState(false);
  const choose = (trusted: boolean) => {
    if (answered.current) return;
    setAnswered(true);
    onChoice(trusted);
  };
  useKeys((key) => {
    if (key.kind === "up" || key.kind === "down") setSelected((s) => 1 - s);
    else if (key.kind === "enter") choose(selectedRef.current === 0);
    else if (key.kind === "text" && (key.text === "1" || key.text.toLowerCase() === "y")) choose(true);
    else if (key.kind === "text" && (key.text === "2" || key.text.toLowerCase() === "n")) choose(false);
    else if (key.kind === "escape" || (key.kind === "ctrl" && (key.letter === "c" || key.letter === "d")))
      choose(false);
  });
  return (
    <Box flexDirection="column" paddingX={1}>
      <Text>
        <Text bold>{"> You are in "}</Text>
        <Text>{shortPath(cwd)}</Text>
      </Text>
      <Text> </Text>
      <Text>{"  Do you trust the files in this folder?"}</Text>
      <Text dimColor>
        {"  Codex can then edit files and run commands here (in the sandbox) without asking first."}
      </Text>
      <Text> </Text>
      {options.map((label, i) => (
        <Text key={label} color={i === selected ? "cyan" : undefined}>
          {`${i === selected ? "›" : " "} ${i + 1}. ${label}`}
        </Text>
      ))}
      <Text> </Text>
      <Text dimColor>{"  Press enter to continue"}</Text>
    </Box>
  );
}
