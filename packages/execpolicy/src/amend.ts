/**
 * Persisting approvals: "always allow this prefix" appends a prefix_rule, network approvals append a
 * network_rule, to `CODEX_HOME/rules/default.rules`. Writes are atomic (temp file + rename in the
 * same directory), serialised (in-process queue + an O_EXCL lock file across processes), and
 * idempotent (an identical line already present is not added again).
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { normalizeNetworkHost } from "./rule-model.js";

export type AmendError =
  | { kind: "empty-prefix"; message: string }
  | { kind: "invalid-network-rule"; message: string }
  | { kind: "io"; path: string; message: string };

export type AmendResult = { ok: true; added: boolean; path: string } | { ok: false; error: AmendError };

/** `<codexHome>/rules/default.rules`. */
export function defaultRulesPath(codexHome: string): string {
  return join(codexHome, "rules", "default.rules");
}

/** The exact line written for an allow-prefix amendment (same text Codex writes). */
export function renderAllowPrefixRule(prefix: readonly string[]): string {
  return `prefix_rule(pattern=[${prefix.map((t) => JSON.stringify(t)).join(", ")}], decision="allow")`;
}

export type NetworkAmendmentDecision = "allow" | "deny" | "prompt";

export interface NetworkAmendment {
  host: string;
  protocol: "http" | "https";
  decision: NetworkAmendmentDecision;
  justification?: string;
}

export function renderNetworkRule(rule: NetworkAmendment): string {
  let line = `network_rule(host=${JSON.stringify(rule.host)}, protocol="${rule.protocol}", decision="${rule.decision}"`;
  if (rule.justification !== undefined) line += `, justification=${JSON.stringify(rule.justification)}`;
  return `${line})`;
}

// Single-label hosts that are public top-level domains are as broad as a wildcard.
const COMMON_TLDS = new Set(
  (
    "com net org edu gov mil int info biz name pro io ai app dev co me tv cc xyz site online " +
    "tech store cloud page blog shop top club live news email link arpa local internal"
  ).split(" "),
);

/** Why a host is too broad to persist (`*`, `*.com`, a bare TLD), or undefined if it is specific. */
export function broadHostReason(host: string): string | undefined {
  const h = host.trim().toLowerCase().replace(/\.+$/, "");
  if (h.includes("*")) return `wildcard host \`${host}\` cannot be persisted; approve a specific host`;
  if (h.startsWith(".")) return `host \`${host}\` is a domain suffix, not a specific host`;
  const isIp = /^[0-9.]+$/.test(h) || h.includes(":");
  if (!isIp && !h.includes(".") && h !== "localhost" && (COMMON_TLDS.has(h) || /^[a-z]{2}$/.test(h))) {
    return `host \`${host}\` is a bare top-level domain; approve a specific host`;
  }
  return undefined;
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier call for the same path has finished. */
function serialised<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const prev = queues.get(path) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.catch(() => undefined);
  queues.set(path, tail);
  void tail.then(() => {
    if (queues.get(path) === tail) queues.delete(path);
  });
  return run;
}

const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 10_000;

async function withLockFile<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lock, "wx");
      await handle.close();
      break;
    } catch (err) {
      if ((err as { code?: unknown }).code !== "EEXIST") throw err;
      const info = await stat(lock).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > LOCK_STALE_MS) {
        await rm(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lock}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

/** Appends `line` to the file unless an identical line exists; atomic via temp file + rename. */
export async function appendRuleLine(path: string, line: string): Promise<AmendResult> {
  return serialised(path, async () => {
    try {
      await mkdir(dirname(path), { recursive: true });
      return await withLockFile(path, async () => {
        let contents = "";
        try {
          contents = await readFile(path, "utf8");
        } catch (err) {
          if ((err as { code?: unknown }).code !== "ENOENT") throw err;
        }
        if (contents.split("\n").some((existing) => existing.replace(/\r$/, "") === line)) {
          return { ok: true as const, added: false, path };
        }
        const separator = contents === "" || contents.endsWith("\n") ? "" : "\n";
        const tmp = join(
          dirname(path),
          `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
        );
        try {
          await writeFile(tmp, `${contents}${separator}${line}\n`, { encoding: "utf8", flush: true });
          await rename(tmp, path);
        } catch (err) {
          await rm(tmp, { force: true });
          throw err;
        }
        return { ok: true as const, added: true, path };
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { ok: false as const, error: { kind: "io" as const, path, message } };
    }
  });
}

/** Persists "always allow commands starting with `prefix`". */
export async function appendAllowPrefixRule(path: string, prefix: readonly string[]): Promise<AmendResult> {
  if (prefix.length === 0) {
    return { ok: false, error: { kind: "empty-prefix", message: "prefix rule requires at least one token" } };
  }
  return appendRuleLine(path, renderAllowPrefixRule(prefix));
}

/** Persists a network approval; refuses broad hosts and values the rules parser would reject. */
export async function appendNetworkRule(path: string, rule: NetworkAmendment): Promise<AmendResult> {
  const invalid = (message: string): AmendResult => ({
    ok: false,
    error: { kind: "invalid-network-rule", message },
  });
  const host = rule.host.trim();
  if (host === "") return invalid("network rule host cannot be empty");
  const broad = broadHostReason(host);
  if (broad) return invalid(broad);
  const normalized = normalizeNetworkHost(host);
  if ("error" in normalized) return invalid(normalized.error);
  if (rule.protocol !== "http" && rule.protocol !== "https") {
    return invalid("network rule protocol must be http or https");
  }
  if (!["allow", "deny", "prompt"].includes(rule.decision)) {
    return invalid("network rule decision must be allow, deny, or prompt");
  }
  if (rule.justification !== undefined && rule.justification.trim() === "") {
    return invalid("justification cannot be empty");
  }
  return appendRuleLine(path, renderNetworkRule({ ...rule, host }));
}
