/** Errors are values at this package's boundary: every fallible call returns one of these. */
export type RolloutResult<T> = { ok: true; value: T } | { ok: false; error: RolloutError };

export interface RolloutError {
  /** `not_found`, `io`, `invalid`, `exists`, `closed`. */
  code: "not_found" | "io" | "invalid" | "exists" | "closed";
  /** One readable line naming what is wrong and where. */
  message: string;
}

export const ok = <T>(value: T): RolloutResult<T> => ({ ok: true, value });
export const err = <T = never>(code: RolloutError["code"], message: string): RolloutResult<T> => ({
  ok: false,
  error: { code, message },
});

/** Maps a Node fs error to a RolloutError. */
export function ioError<T = never>(action: string, path: string, cause: unknown): RolloutResult<T> {
  const code = (cause as { code?: unknown } | null)?.code;
  const detail = cause instanceof Error ? cause.message : String(cause);
  if (code === "ENOENT") return err("not_found", `${action} ${path}: no such file`);
  if (code === "EEXIST") return err("exists", `${action} ${path}: file already exists`);
  return err("io", `${action} ${path}: ${detail}`);
}
