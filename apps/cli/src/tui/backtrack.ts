/**
 * Backtracking (Esc Esc): the thread's earlier user messages, and rolling the thread back to
 * before one of them (`thread/revert`) so it can be edited and sent again.
 */
import { type Controller, errorText } from "./controller.js";

export interface EarlierMessage {
  turnId: string;
  text: string;
  /** Local images the message carried (restored as `[Image #N]` chips). */
  images: string[];
}

/** The user messages of the thread shown, oldest first, with the turn each started. */
export function userMessages(controller: Controller): EarlierMessage[] {
  return controller.state.cells.flatMap((cell) => {
    if (cell.kind !== "item" || cell.item.type !== "userMessage" || !cell.turnId) return [];
    const text = cell.item.content.map((c) => (c.type === "text" ? c.text : "")).join("");
    const images = cell.item.content.flatMap((c) => (c.type === "localImage" ? [c.path] : []));
    return [{ turnId: cell.turnId, text, images }];
  });
}

/**
 * Rolls the thread back to before `message`'s turn. Returns whether it was rolled back; when the
 * server cannot, a warning says so and the thread keeps its turns.
 */
export async function revertTo(controller: Controller, message: EarlierMessage): Promise<boolean> {
  const session = controller.state.session;
  if (!session) return false;
  try {
    await controller.client.request("thread/revert", {
      threadId: session.threadId,
      beforeTurnId: message.turnId,
    });
  } catch (error) {
    controller.cell({
      kind: "warning",
      text: `The thread could not be rolled back (${errorText(error)}); the message is in the composer and sending it starts a new turn after the others.`,
    });
    return false;
  }
  controller.store.dispatch({ type: "reverted", turnId: message.turnId, text: message.text });
  return true;
}
