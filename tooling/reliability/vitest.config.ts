import { packageConfig } from "@codex-ts/vitest-config";

// One file at a time: the load test saturates both cores and would starve the timing-sensitive
// fault tests (idle timeouts, SIGKILL mid-stream). The load test's clients use Node's WebSocket,
// which is behind a flag on Node 20.
export default packageConfig({ test: { fileParallelism: false, execArgv: ["--experimental-websocket"] } });
