export { CHANNEL as EVENTS_CHANNEL } from "./events.js";
export { MIGRATIONS, type Migration, migrate } from "./migrations.js";
export { DEFAULT_LEASE_MS, PostgresThreadStore, type PostgresThreadStoreOptions } from "./store.js";
