// The HTTP transport of the model client: one POST whose answer is read as a stream of bytes.
//
// The default goes through node:http / node:https rather than the global `fetch`: Node compiles its
// bundled fetch client (undici) and the web streams it needs on first use, ~20 ms of CPU that a
// one-shot `codex-ts exec` pays before its first request. A caller may still inject a `fetch`
// (tests, in-memory warm-up); it is adapted to the same shape.
import http from "node:http";
import https from "node:https";

export interface HeaderGetter {
  get(name: string): string | null;
  keys(): Iterable<string>;
}

/** What the model client needs of an HTTP answer. */
export interface StreamingResponse {
  status: number;
  statusText: string;
  headers: HeaderGetter;
  /** The body as it arrives; null when there is none. */
  body: AsyncIterable<Uint8Array> | null;
  /** The whole body as text (for error answers). */
  text(): Promise<string>;
}

export interface PostInit {
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

export type Transport = (url: string, init: PostInit) => Promise<StreamingResponse>;

function headerGetter(raw: http.IncomingHttpHeaders): HeaderGetter {
  return {
    get(name) {
      const value = raw[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
    keys: () => Object.keys(raw),
  };
}

async function readText(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

function abortError(signal: AbortSignal): Error {
  const error = new Error("request aborted", { cause: signal.reason });
  error.name = "AbortError";
  return error;
}

/** POST with node:http(s). Rejects with the socket's error (its message names the cause). */
export const nodeTransport: Transport = (url, init) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const client = target.protocol === "https:" ? https : http;
    const body = Buffer.from(init.body, "utf8");
    const req = client.request(
      target,
      {
        method: "POST",
        headers: { ...init.headers, "content-length": String(body.byteLength) },
      },
      (res) => {
        // Errors while reading reach the reader through the body's iterator; the final abort that
        // releases the request must not surface as an unhandled 'error' event.
        res.on("error", () => {});
        response = res;
        let consumed = false;
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? "",
          headers: headerGetter(res.headers),
          body: res,
          text: () => {
            if (consumed) return Promise.resolve("");
            consumed = true;
            return readText(res);
          },
        });
      },
    );
    // An abort destroys the exchange: a pending request rejects, a body being read throws. Once the
    // answer is complete its socket may already be back in the agent's keep-alive pool: leave it.
    let response: http.IncomingMessage | undefined;
    const abort = () => {
      if (!response?.complete) req.destroy(abortError(init.signal));
    };
    if (init.signal.aborted) abort();
    else init.signal.addEventListener("abort", abort, { once: true });
    req.on("close", () => init.signal.removeEventListener("abort", abort));
    req.on("error", reject);
    req.end(body);
  });

/** Adapts a `fetch` implementation to {@link Transport}. */
export function fetchTransport(fetchImpl: typeof fetch): Transport {
  return async (url, init) => {
    const res = await fetchImpl(url, { method: "POST", headers: init.headers, body: init.body, signal: init.signal });
    return {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
      // Node's web ReadableStream is async iterable.
      body: res.body as unknown as AsyncIterable<Uint8Array> | null,
      text: () => res.text(),
    };
  };
}
