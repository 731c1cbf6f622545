export {
  encodeEvent,
  fail,
  responseEvents,
  sse,
  turn,
  usage,
  type CallOptions,
  type ItemSpec,
  type JsonObject,
  type MessageOptions,
  type ReasoningOptions,
  type RecordedRequest,
  type ScriptEntry,
  type SseEvent,
  type TurnOptions,
  type Usage,
} from "./sse.js";
export { startFakeResponsesServer, type FakeResponsesServer, type FakeResponsesServerOptions } from "./server.js";
export { seededRandom } from "./random.js";
export {
  agentCall,
  callOutputs,
  isSubagentRequest,
  lastUserText,
  type ModelRequest,
  type RoutingModel,
  startRoutingModel,
} from "./routing.js";
export { type FakeProviderConfigOptions, writeFakeProviderConfig } from "./config.js";
export { MCP_TEST_TOOLS, type McpHttpTestServer, type McpTestServerEnv, mcpStdioTestServer, mcpToolCall, mcpStdioTestServerToml, mcpTestServerScript, startMcpHttpTestServer, TEST_PNG_BASE64 } from "./mcp/index.js";
export {
  type FakeRealtimeServer,
  type RealtimeConnectionRecord,
  type RealtimeReply,
  type RealtimeServerClass,
  startFakeRealtimeServer,
} from "./realtime.js";
