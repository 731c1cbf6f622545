import { packageConfig } from "@codex-ts/vitest-config";

// The load test's clients use Node's WebSocket, behind a flag on Node 20.
export default packageConfig({ test: { execArgv: ["--experimental-websocket"] } });
