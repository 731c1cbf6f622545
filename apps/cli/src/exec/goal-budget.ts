// The parts of `exec --goal` that argument parsing needs, without core (see ../overrides.ts).

export interface ExecGoalRequest {
  objective: string;
  tokenBudget: number | null;
}

/** `--goal-budget` as a positive integer, or the error to report. */
export function parseGoalBudget(
  raw: string | undefined,
): { ok: true; value: number | null } | { ok: false; error: string } {
  if (raw === undefined) return { ok: true, value: null };
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value <= 0) {
    return { ok: false, error: `--goal-budget: expected a positive number of tokens, got '${raw}'` };
  }
  return { ok: true, value };
}
