export * from "./types.js";
export { buildToolRegistry, dispatchToolCall } from "./registry.js";
export {
  BYTES_PER_TOKEN,
  DEFAULT_OUTPUT_BYTES,
  bytesForTokens,
  truncateMiddle,
  truncateOutput,
  type TruncateOptions,
  type TruncatedText,
} from "./truncate.js";
