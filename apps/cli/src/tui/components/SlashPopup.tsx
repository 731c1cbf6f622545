import { Box, Text } from "ink";
import type { SlashCommand } from "../slash.js";

/** The `/` command list under the composer; the selected entry is highlighted. */
export function SlashPopup({ commands, selected }: { commands: SlashCommand[]; selected: number }) {
  const shown = commands.slice(0, 8);
  return (
    <Box flexDirection="column">
      {shown.map((command, i) => (
        <Text
          key={command.name}
          color={i === selected ? "cyan" : undefined}
          dimColor={!command.available && i !== selected}
        >
          {`  /${command.name.padEnd(14)}${command.description}${command.available ? "" : " (not available yet)"}`}
        </Text>
      ))}
    </Box>
  );
}
