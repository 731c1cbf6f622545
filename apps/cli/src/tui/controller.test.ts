import { sse, turn } from "@codex-ts/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { type Rig, startRig, until } from "./rig.js";

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe("Controller", () => {
  it("an interrupt asked before the server named the turn still interrupts it", async () => {
    rig = await startRig({ script: [turn(sse.message("never ends"), { hold: true })] });
    await rig.controller.openThread({ kind: "new" });
    const sending = rig.controller.sendPrompt("go");
    // turn/start is sent; its turn id is not known yet.
    expect(rig.controller.state.turn).toMatchObject({ id: null });
    await rig.controller.interrupt();
    await sending;
    await until(() => rig!.controller.state.turn === null, 10_000, "the interrupted turn to end");
    expect(
      rig.controller.state.cells.some(
        (c) => c.kind === "error" && c.text.startsWith("Conversation interrupted"),
      ),
    ).toBe(true);
  });
});
