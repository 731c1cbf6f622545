/** Test support: every test gets stores on fresh schemas of the test database, dropped afterwards. */
import { randomBytes } from "node:crypto";
import { unwrapResult } from "@codex-ts/thread-store/contract";
import { PostgresThreadStore, type PostgresThreadStoreOptions } from "./store.js";
import { TEST_URL_ENV } from "./test-cluster.js";

export function testUrl(): string {
  const url = process.env[TEST_URL_ENV];
  if (!url) throw new Error(`${TEST_URL_ENV} is not set: the global setup (src/global-setup.ts) did not run`);
  return url;
}

export function freshSchema(): string {
  return `t_${randomBytes(6).toString("hex")}`;
}

export class TestStores {
  readonly #stores: PostgresThreadStore[] = [];
  readonly #schemas = new Set<string>();

  async open(options: Partial<PostgresThreadStoreOptions> = {}): Promise<PostgresThreadStore> {
    const schema = options.schema ?? freshSchema();
    this.#schemas.add(schema);
    const store = unwrapResult(await PostgresThreadStore.open({ url: testUrl(), maxConnections: 4, ...options, schema }));
    this.#stores.push(store);
    return store;
  }

  async cleanup(): Promise<void> {
    const stores = this.#stores.splice(0);
    const schemas = [...this.#schemas];
    this.#schemas.clear();
    const admin = stores[0]?.sql;
    for (const schema of schemas) await admin?.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    for (const store of stores) await store.close();
  }
}
