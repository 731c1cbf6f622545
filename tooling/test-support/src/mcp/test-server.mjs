#!/usr/bin/env node
// A real MCP server for tests, on the SDK's McpServer. Plain JavaScript so any test (from sources or
// from a built package) can spawn it with `node` alone.
//
//   node test-server.mjs            stdio
//   node test-server.mjs --http     streamable HTTP on 127.0.0.1:<free port>; prints "listening <url>"
//
// Environment knobs: MCP_TEST_NAME (server name), MCP_TEST_STARTUP_DELAY_MS (sleep before serving),
// MCP_TEST_EXIT_AT_START=1 (exit 3 at once), MCP_TEST_REQUIRE_TOKEN (HTTP: the bearer token asked for).
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import * as z from "zod";
import { TEST_PNG_BASE64 } from "./test-image.mjs";


const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const readOnly = { readOnlyHint: true };

function buildServer() {
  const server = new McpServer(
    { name: process.env.MCP_TEST_NAME ?? "codex-ts-test", version: "1.2.3" },
    { capabilities: { resources: {} } },
  );

  server.registerTool(
    "echo",
    { description: "Echo the text back.", inputSchema: { text: z.string() }, annotations: readOnly },
    async ({ text }) => ({ content: [{ type: "text", text: `echo: ${text}` }] }),
  );

  server.registerTool(
    "lookup",
    {
      description: "Look a key up; answers with structured content.",
      inputSchema: { key: z.string() },
      outputSchema: { key: z.string(), value: z.number() },
      annotations: readOnly,
    },
    async ({ key }) => {
      const structuredContent = { key, value: key.length };
      return { content: [{ type: "text", text: JSON.stringify(structuredContent) }], structuredContent };
    },
  );

  server.registerTool("picture", { description: "A tiny picture.", annotations: readOnly }, async () => ({
    content: [
      { type: "text", text: "a red pixel" },
      { type: "image", data: TEST_PNG_BASE64, mimeType: "image/png", _meta: { "codex/imageDetail": "original" } },
    ],
  }));

  server.registerTool("fail", { description: "Always fails.", annotations: readOnly }, async () => ({
    content: [{ type: "text", text: "the lookup service is down" }],
    isError: true,
  }));

  server.registerTool(
    "slow",
    { description: "Sleeps, reporting progress.", inputSchema: { ms: z.number().optional() }, annotations: readOnly },
    async ({ ms }, extra) => {
      const total = ms ?? 5000;
      const token = extra._meta?.progressToken;
      if (token !== undefined) {
        await extra.sendNotification({
          method: "notifications/progress",
          params: { progressToken: token, progress: 0, total, message: "started sleeping" },
        });
      }
      await sleep(total);
      return { content: [{ type: "text", text: `slept ${total} ms` }] };
    },
  );

  server.registerTool(
    "write_note",
    { description: "Pretends to write a note (not read-only: needs approval).", inputSchema: { note: z.string() } },
    async ({ note }) => ({ content: [{ type: "text", text: `wrote: ${note}` }] }),
  );

  server.registerTool("ask_name", { description: "Asks the user for a name.", annotations: readOnly }, async () => {
    const answer = await server.server.elicitInput({
      mode: "form",
      message: "What is your name?",
      requestedSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
    });
    if (answer.action === "accept") return { content: [{ type: "text", text: `hello ${answer.content?.name}` }] };
    return { content: [{ type: "text", text: `elicitation ${answer.action}` }] };
  });

  server.registerTool("pid", { description: "The server's process id.", annotations: readOnly }, async () => ({
    content: [{ type: "text", text: String(process.pid) }],
  }));

  server.registerTool("headers", { description: "The HTTP request headers.", annotations: readOnly }, async (extra) => ({
    content: [{ type: "text", text: JSON.stringify(extra.requestInfo?.headers ?? {}) }],
  }));

  server.registerTool("crash", { description: "Kills the server process.", annotations: readOnly }, async () => {
    setTimeout(() => process.exit(1), 10);
    await sleep(60_000);
    return { content: [] };
  });

  server.registerResource("memo-one", "memo://one", { mimeType: "text/plain", description: "The first memo." }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: "text/plain", text: "memo one says hi" }],
  }));
  server.registerResource(
    "memo",
    new ResourceTemplate("memo://notes/{name}", { list: undefined }),
    { mimeType: "text/plain", description: "A memo by name." },
    async (uri, { name }) => ({ contents: [{ uri: uri.href, mimeType: "text/plain", text: `memo ${name}` }] }),
  );
  return server;
}

async function serveHttp() {
  const transports = new Map();
  const token = process.env.MCP_TEST_REQUIRE_TOKEN;
  const http = createServer(async (req, res) => {
    if (token && req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: "unauthorized" }));
      return;
    }
    const sessionId = req.headers["mcp-session-id"];
    let transport = typeof sessionId === "string" ? transports.get(sessionId) : undefined;
    if (!transport) {
      if (sessionId !== undefined) {
        res.writeHead(404).end();
        return;
      }
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => transports.set(id, transport),
      });
      transport.onclose = () => {
        if (transport.sessionId) transports.delete(transport.sessionId);
      };
      await buildServer().connect(transport);
    }
    await transport.handleRequest(req, res);
  });
  http.listen(0, "127.0.0.1", () => {
    const { port } = http.address();
    process.stdout.write(`listening http://127.0.0.1:${port}/mcp\n`);
  });
}

async function main() {
  if (process.env.MCP_TEST_EXIT_AT_START === "1") {
    process.stderr.write("test server: exiting at start as asked\n");
    process.exit(3);
  }
  const delay = Number(process.env.MCP_TEST_STARTUP_DELAY_MS ?? 0);
  if (delay > 0) await sleep(delay);
  if (process.argv.includes("--http")) await serveHttp();
  else await buildServer().connect(new StdioServerTransport());
}

await main();
