/** `codex-ts threads export|import`: moving threads between thread stores (local, PostgreSQL). */
import { CONFIG_OPTIONS, type CommandSpec, HELP, type OptionSpec } from "./options.js";

const STORE: OptionSpec = {
  name: "store",
  type: "string",
  value: "URL",
  description: "The thread store: `local` (CODEX_HOME) or postgres://…; default the configured one (thread_store.url / CODEX_THREAD_STORE_URL, else local)",
};

export const THREADS_EXPORT: CommandSpec = {
  name: "export",
  summary: "Write threads as JSON Lines (one thread per line, history lines verbatim)",
  usage: "codex-ts threads export [--store URL] [--out FILE] [THREAD_ID]...",
  arguments: [{ name: "[THREAD_ID]...", description: "Threads to export; default every thread, archived ones included" }],
  options: [STORE, { name: "out", short: "o", type: "string", value: "FILE", description: "Write to FILE instead of stdout" }, ...CONFIG_OPTIONS, HELP],
};

export const THREADS_IMPORT: CommandSpec = {
  name: "import",
  summary: "Store threads from `threads export` output (same ids, names, archive state and goals)",
  usage: "codex-ts threads import [--store URL] [--in FILE] [--skip-existing]",
  options: [
    STORE,
    { name: "in", short: "i", type: "string", value: "FILE", description: "Read from FILE instead of stdin" },
    { name: "skip-existing", type: "boolean", description: "Leave threads the store already has as they are (default: an error)" },
    ...CONFIG_OPTIONS,
    HELP,
  ],
};

export const THREADS: CommandSpec = {
  name: "threads",
  summary: "Move threads between thread stores (export | import)",
  usage: "codex-ts threads export|import [OPTIONS]",
  options: [HELP],
  subcommands: [THREADS_EXPORT, THREADS_IMPORT],
};
