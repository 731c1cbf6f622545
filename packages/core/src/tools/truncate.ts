/**
 * Output truncation shared by every tool: keep the head and the tail of the text, drop the middle,
 * and say how big the original was. Budgets are in UTF-8 bytes; cuts never split a character.
 */

export const DEFAULT_OUTPUT_BYTES = 10 * 1024;

/** Codex approximates tokens as 4 bytes each; `max_output_tokens` budgets use the same ratio. */
export const BYTES_PER_TOKEN = 4;

export interface TruncateOptions {
  /** Byte budget for the kept text (head + tail). Default 10 KB. */
  maxBytes?: number;
}

export interface TruncatedText {
  text: string;
  truncated: boolean;
  originalBytes: number;
  originalLines: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");

function countLines(text: string): number {
  if (text.length === 0) return 0;
  let lines = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
  return text.endsWith("\n") ? lines - 1 : lines;
}

/** Largest prefix of `bytes` no longer than `limit` that ends on a character boundary. */
function headCut(bytes: Uint8Array, limit: number): number {
  let end = Math.min(limit, bytes.length);
  // Step back over continuation bytes (10xxxxxx) so the cut lands before a lead byte.
  while (end > 0 && end < bytes.length && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return end;
}

/** Start index of the largest suffix no longer than `limit` that begins on a character boundary. */
function tailCut(bytes: Uint8Array, limit: number): number {
  let start = Math.max(0, bytes.length - limit);
  while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  return start;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Truncate `text` to at most `maxBytes` of original content (plus a one-line marker), keeping
 * half the budget from the start and half from the end.
 */
export function truncateMiddle(text: string, options: TruncateOptions = {}): TruncatedText {
  const maxBytes = Math.max(0, Math.floor(options.maxBytes ?? DEFAULT_OUTPUT_BYTES));
  const bytes = encoder.encode(text);
  const originalLines = countLines(text);
  if (bytes.length <= maxBytes) {
    return { text, truncated: false, originalBytes: bytes.length, originalLines };
  }
  const headLimit = Math.floor(maxBytes / 2);
  const headEnd = headCut(bytes, headLimit);
  const tailStart = tailCut(bytes, maxBytes - headEnd);
  const head = decoder.decode(bytes.subarray(0, headEnd));
  const tail = decoder.decode(bytes.subarray(tailStart));
  const omitted = tailStart - headEnd;
  const marker =
    `[... output truncated: original was ${formatBytes(bytes.length)} ` +
    `(${originalLines} lines); ${formatBytes(omitted)} omitted from the middle ...]`;
  const joinedHead = head.length === 0 || head.endsWith("\n") ? head : `${head}\n`;
  const joinedTail = tail.startsWith("\n") ? tail.slice(1) : tail;
  return {
    text: `${joinedHead}${marker}\n${joinedTail}`,
    truncated: true,
    originalBytes: bytes.length,
    originalLines,
  };
}

/** Convenience: just the text. */
export function truncateOutput(text: string, maxBytes: number = DEFAULT_OUTPUT_BYTES): string {
  return truncateMiddle(text, { maxBytes }).text;
}

/** Byte budget for a `max_output_tokens` value (falls back to the default when absent). */
export function bytesForTokens(maxOutputTokens: number | undefined): number {
  if (maxOutputTokens === undefined || !Number.isFinite(maxOutputTokens) || maxOutputTokens <= 0) {
    return DEFAULT_OUTPUT_BYTES;
  }
  return Math.floor(maxOutputTokens * BYTES_PER_TOKEN);
}
