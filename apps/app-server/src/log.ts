import type { Writable } from "node:stream";

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const LEVELS = ["debug", "info", "warn", "error", "off"] as const;
type Level = (typeof LEVELS)[number];

/**
 * Plain-text logs on stderr (never stdout, which carries protocol lines only).
 * `CODEX_TS_LOG` (or `RUST_LOG`, as Codex reads) picks the threshold: debug|info|warn|error|off; default warn.
 */
export function createLogger(stream: Writable, env: Record<string, string | undefined>): Logger {
  const wanted = (env.CODEX_TS_LOG ?? env.RUST_LOG ?? "warn").toLowerCase();
  const threshold = LEVELS.indexOf((LEVELS as readonly string[]).includes(wanted) ? (wanted as Level) : "warn");
  const emit = (level: Level, message: string) => {
    if (LEVELS.indexOf(level) < threshold || stream.writableEnded) return;
    stream.write(`${new Date().toISOString()} ${level.toUpperCase()} codex-ts-app-server: ${message}\n`);
  };
  return {
    debug: (m) => emit("debug", m),
    info: (m) => emit("info", m),
    warn: (m) => emit("warn", m),
    error: (m) => emit("error", m),
  };
}
