import { validateHeaderValue } from "node:http";

/**
 * The first header a request cannot carry, as one readable line, or undefined when all are valid.
 * A header value with characters HTTP forbids (a pasted `sk-…` with a Unicode ellipsis, a newline)
 * can never succeed, so it is a local error to report at once, never a reason to retry.
 * `keySource` names where the bearer token came from, for the authorization header's message.
 */
export function invalidHeader(headers: Record<string, string>, keySource?: string): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    try {
      validateHeaderValue(name, value);
    } catch {
      const bad = [...value].find((ch) => ch.charCodeAt(0) > 0xff || /[\0\r\n]/.test(ch)) ?? "";
      const what = bad ? ` (it contains ${JSON.stringify(bad)}, U+${bad.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")})` : "";
      if (name.toLowerCase() === "authorization")
        return `the API key${keySource ? ` in ${keySource}` : ""} cannot be sent in an HTTP header${what}; check that it was copied whole`;
      return `the value of the HTTP header \`${name}\` cannot be sent${what}; check the provider's headers in config`;
    }
  }
  return undefined;
}
