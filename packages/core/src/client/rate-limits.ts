// Rate-limit headers → snapshots keyed by limit id (Codex's `x-<limit>-primary-used-percent` family).

export interface RateLimitWindow {
  used_percent: number;
  window_minutes?: number;
  /** Unix seconds. */
  resets_at?: number;
}

export interface CreditsSnapshot {
  has_credits: boolean;
  unlimited: boolean;
  balance?: string;
}

export interface RateLimitSnapshot {
  limit_id: string;
  limit_name?: string;
  primary?: RateLimitWindow;
  secondary?: RateLimitWindow;
  credits?: CreditsSnapshot;
}

type HeaderGetter = { get(name: string): string | null };

const num = (raw: string | null | undefined): number | undefined => {
  if (raw === null || raw === undefined || raw.trim() === "") return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
};
const int = (raw: string | null | undefined): number | undefined => {
  const value = num(raw);
  return value === undefined || !Number.isInteger(value) ? undefined : value;
};
const bool = (raw: string | null): boolean | undefined => {
  if (raw === null) return undefined;
  if (raw === "1" || raw.toLowerCase() === "true") return true;
  if (raw === "0" || raw.toLowerCase() === "false") return false;
  return undefined;
};

function windowFrom(headers: HeaderGetter, prefix: string): RateLimitWindow | undefined {
  const used = num(headers.get(`${prefix}-used-percent`));
  if (used === undefined) return undefined;
  const windowMinutes = int(headers.get(`${prefix}-window-minutes`));
  const resetsAt = int(headers.get(`${prefix}-reset-at`));
  if (used === 0 && !windowMinutes && resetsAt === undefined) return undefined;
  const window: RateLimitWindow = { used_percent: used };
  if (windowMinutes !== undefined) window.window_minutes = windowMinutes;
  if (resetsAt !== undefined) window.resets_at = resetsAt;
  return window;
}

function credits(headers: HeaderGetter): CreditsSnapshot | undefined {
  const hasCredits = bool(headers.get("x-codex-credits-has-credits"));
  const unlimited = bool(headers.get("x-codex-credits-unlimited"));
  if (hasCredits === undefined || unlimited === undefined) return undefined;
  const snapshot: CreditsSnapshot = { has_credits: hasCredits, unlimited };
  const balance = headers.get("x-codex-credits-balance")?.trim();
  if (balance) snapshot.balance = balance;
  return snapshot;
}

function snapshotFor(headers: HeaderGetter, limitId: string): RateLimitSnapshot {
  const prefix = `x-${limitId.replaceAll("_", "-")}`;
  const snapshot: RateLimitSnapshot = { limit_id: limitId };
  const name = headers.get(`${prefix}-limit-name`)?.trim();
  if (name) snapshot.limit_name = name;
  const primary = windowFrom(headers, `${prefix}-primary`);
  if (primary) snapshot.primary = primary;
  const secondary = windowFrom(headers, `${prefix}-secondary`);
  if (secondary) snapshot.secondary = secondary;
  const c = credits(headers);
  if (c) snapshot.credits = c;
  return snapshot;
}

/**
 * All rate-limit snapshots in a response's headers, keyed by limit id. The default `codex`
 * family is present only when it carries data; other families (e.g. `x-codex-other-primary-…`
 * → `codex_other`) are discovered from header names.
 */
export function parseRateLimitHeaders(headers: HeaderGetter & { keys(): Iterable<string> }): Record<string, RateLimitSnapshot> {
  const ids = new Set<string>(["codex"]);
  for (const name of headers.keys()) {
    const match = /^x-(.+)-primary-used-percent$/.exec(name.toLowerCase());
    if (match?.[1]) ids.add(match[1].replaceAll("-", "_"));
  }
  const out: Record<string, RateLimitSnapshot> = {};
  for (const id of ids) {
    const snapshot = snapshotFor(headers, id);
    if (snapshot.primary || snapshot.secondary || snapshot.credits) out[id] = snapshot;
  }
  return out;
}
