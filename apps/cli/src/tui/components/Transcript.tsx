import { Box, Static } from "ink";
import type { TuiState } from "../state/types.js";
import { CellView } from "./CellView.js";
import { ItemView } from "./items/ItemView.js";

/**
 * Finished cells go to the terminal's own scrollback once (`<Static>`), so a long session costs
 * nothing per keystroke; only the items still streaming are redrawn.
 */
export function Transcript({ state }: { state: TuiState }) {
  return (
    <>
      <Static items={state.cells}>{(cell) => <CellView key={cell.id} cell={cell} />}</Static>
      {state.live.map((item) => (
        <Box key={item.id} paddingTop={1}>
          <ItemView item={item} running />
        </Box>
      ))}
    </>
  );
}
