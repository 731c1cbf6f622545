/**
 * One database for the whole test run: `CODEX_TS_TEST_PG_URL` when set (CI), else a throw-away
 * cluster this setup starts and removes. Tests read the URL from `CODEX_TS_TEST_PG_URL`.
 */
import { startTestDatabase, TEST_URL_ENV } from "./test-cluster.js";

export default async function setup(): Promise<() => Promise<void>> {
  const db = await startTestDatabase();
  process.env[TEST_URL_ENV] = db.url;
  return () => db.stop();
}
