import { type QueuedItem, QueueStore } from "@codex-ts/app-server";
import type { CliIO } from "../io.js";

/**
 * The next message queued for a resumed thread (`codex queue`, `thread/queue/add`), taken off the
 * queue: as Codex, `exec resume` runs it first and the prompt joins that turn. Undefined when
 * nothing is queued; a queue that cannot be read is a warning, never a failure.
 */
export function takeQueuedMessage(codexHome: string, threadId: string, io: CliIO): QueuedItem | undefined {
  let queue: QueueStore | undefined;
  try {
    queue = QueueStore.open(codexHome);
    for (const item of queue.list(threadId)) {
      if (!item.input || item.input.length === 0) continue;
      // Another process may have taken it meanwhile: only a removed item is ours to run.
      if (queue.remove(threadId, item.id)) return item;
    }
    return undefined;
  } catch (error) {
    io.stderr.write(`warning: could not read the message queue: ${(error as Error).message}\n`);
    return undefined;
  } finally {
    queue?.close();
  }
}
