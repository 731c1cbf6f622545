/**
 * The version codex-ts reports (`--version`, rollout `cli_version`, the exec header): the Codex
 * release whose CLI and wire protocol it implements. Clients gate features on the Codex version
 * they talk to (e.g. ">= 0.153"), so reporting the npm package's own version (0.x) would make them
 * refuse a compatible binary. Raise it when the protocol fixtures move to a newer Codex; the
 * app-server reports the same number (apps/app-server/src/server.ts, checked by a test).
 */
export const VERSION = "0.169.0";
