// `-c key=value` overrides (dotted key paths, TOML or literal values) and the small helpers on
// dotted paths into a config table that loading and validation use.
import { parse as parseToml } from "smol-toml";
import { isTable } from "./layers.js";

/** A `-c key=value` override: a dotted key path and its raw value text. */
export interface ConfigOverride {
  key: string;
  value: string;
}

/** Split `key=value`; the value is TOML when it parses as a TOML value, else a literal string. */
export function parseOverride(
  text: string | ConfigOverride,
): { key: string[]; value: unknown } | { error: string } {
  let key: string;
  let raw: string;
  if (typeof text === "string") {
    const eq = text.indexOf("=");
    if (eq <= 0) return { error: `invalid override "${text}": expected key=value` };
    key = text.slice(0, eq).trim();
    raw = text.slice(eq + 1).trim();
  } else {
    key = text.key.trim();
    raw = text.value;
  }
  const parts = splitDottedKey(key);
  if (!parts || parts.some((p) => p.length === 0)) return { error: `invalid override key "${key}"` };
  let value: unknown = raw;
  try {
    value = (parseToml(`value = ${raw}`) as { value: unknown }).value;
  } catch {
    value = raw;
  }
  return { key: parts, value };
}

/** `a.b."c.d"` → ["a", "b", "c.d"]; undefined when a quote is unterminated. */
function splitDottedKey(key: string): string[] | undefined {
  const parts: string[] = [];
  let current = "";
  let quote: string | undefined;
  for (const ch of key) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ".") {
      parts.push(current.trim());
      current = "";
    } else current += ch;
  }
  if (quote) return undefined;
  parts.push(current.trim());
  return parts;
}

export function setPath(root: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = root;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (!isTable(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

export function deletePath(root: unknown, keys: (string | number | symbol)[]): void {
  let node = root;
  for (const key of keys.slice(0, -1)) {
    if (!isTable(node) && !Array.isArray(node)) return;
    node = (node as Record<string | number | symbol, unknown>)[key];
  }
  if (isTable(node)) delete node[keys[keys.length - 1] as string];
}

export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value);
  return json && json.length > 60 ? `${json.slice(0, 57)}...` : String(json);
}

export function getPath(root: unknown, keys: PropertyKey[]): unknown {
  let node = root;
  for (const key of keys) {
    if (!isTable(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

export const dotted = (keys: PropertyKey[]) => keys.map(String).join(".");
