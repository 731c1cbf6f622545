import { Box, Text } from "ink";
import type { Cell } from "../state/types.js";
import { Header } from "./Header.js";
import { ItemView } from "./items/ItemView.js";

/** One finished transcript cell, with a blank line above it. */
export function CellView({ cell }: { cell: Cell }) {
  return (
    <Box flexDirection="column" paddingTop={cell.kind === "header" ? 0 : 1}>
      <CellBody cell={cell} />
    </Box>
  );
}

function CellBody({ cell }: { cell: Cell }) {
  switch (cell.kind) {
    case "header":
      return <Header session={cell.session} version={cell.version} />;
    case "item":
      return <ItemView item={cell.item} />;
    case "plan":
      return (
        <Box flexDirection="column">
          <Text bold>• Updated Plan</Text>
          {cell.explanation ? <Text dimColor>{`  ${cell.explanation}`}</Text> : null}
          {cell.plan.map((step, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: plan steps are positional
            <Text key={i} dimColor={step.status === "completed"} strikethrough={step.status === "completed"}>
              {`  ${step.status === "completed" ? "✔" : step.status === "inProgress" ? "□" : "□"} ${step.step}`}
            </Text>
          ))}
        </Box>
      );
    case "info":
      return <Text dimColor>{`• ${cell.text}`}</Text>;
    case "separator":
      return <Text dimColor>{`─ ${cell.text} ${"─".repeat(40)}`}</Text>;
    case "warning":
      return <Text color="yellow">{`⚠ ${cell.text}`}</Text>;
    case "error":
      return <Text color="red">{`■ ${cell.text}`}</Text>;
    case "lines":
      return (
        <Box flexDirection="column">
          <Text bold>{cell.title}</Text>
          {cell.lines.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: report lines are positional
            <Text key={i}>{line === "" ? " " : line}</Text>
          ))}
        </Box>
      );
  }
}
