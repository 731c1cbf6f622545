/**
 * Opening a thread store by where it lives: the local store in CODEX_HOME, or a remote one by URL.
 * A `postgres://` URL loads `@codex-ts/thread-store-postgres` with a dynamic import of a computed
 * name, so bundlers leave it to Node and only those who configure a URL need the driver installed.
 */
import { LocalThreadStore } from "./local-store.js";
import { fail, type StoreResult, type ThreadStore } from "./types.js";

export const POSTGRES_STORE_PACKAGE = "@codex-ts/thread-store-postgres";

export interface OpenThreadStoreOptions {
  codexHome: string;
  /** `postgres://…` for the shared store; null/undefined/"local" for the local one. */
  url?: string | null;
  /** Writer-lease length (remote stores). */
  leaseMs?: number;
  /** Problems a remote store reports that are nobody's request's error. */
  onWarning?: (message: string) => void;
  /**
   * Loads a remote store's package. Node resolves a package from the importing file's location, so
   * the program that depends on `@codex-ts/thread-store-postgres` passes `(name) => import(name)`
   * written in its own code; the default imports from here.
   */
  importPackage?: (name: string) => Promise<unknown>;
}

/** What this package needs from the PostgreSQL package's entry. */
interface RemoteStoreModule {
  PostgresThreadStore: {
    open(options: { url: string; leaseMs?: number; onWarning?: (message: string) => void }): Promise<StoreResult<ThreadStore>>;
  };
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}

export async function openThreadStore(options: OpenThreadStoreOptions): Promise<StoreResult<ThreadStore>> {
  const url = options.url?.trim();
  if (!url || url === "local") return LocalThreadStore.open({ codexHome: options.codexHome });
  if (!isPostgresUrl(url)) {
    return fail("invalid_argument", `a thread store URL must start with postgres:// or postgresql:// (got ${url.split(":")[0]}:…)`);
  }
  let module: RemoteStoreModule;
  try {
    const load = options.importPackage ?? ((name: string) => import(name));
    module = (await load(POSTGRES_STORE_PACKAGE)) as RemoteStoreModule;
  } catch (error) {
    return fail(
      "unsupported",
      `a PostgreSQL thread store is configured but ${POSTGRES_STORE_PACKAGE} cannot be loaded (install it next to codex-ts): ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
  return module.PostgresThreadStore.open({
    url,
    ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
}
