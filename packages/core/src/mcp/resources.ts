// list_mcp_resources, list_mcp_resource_templates and read_mcp_resource, answered as Codex 0.169
// does: JSON text for the model (each entry tagged with its server), an McpToolCall item whose
// server is the one asked (or "codex" when the call spans every server).
import type { CallOutcome, McpConnectionManager } from "@codex-ts/mcp";
import * as z from "zod";
import { parseArguments } from "../tools/args.js";
import type { ToolHandler, ToolResult } from "../tools/types.js";
import { runMcpItem } from "./call.js";
import { LIST_MCP_RESOURCE_TEMPLATES, LIST_MCP_RESOURCES, READ_MCP_RESOURCE, RESOURCE_TOOL_SPECS } from "./specs.js";

const ListArgs = z.object({ server: z.string().optional(), cursor: z.string().optional() });
const ReadArgs = z.object({ server: z.string(), uri: z.string() });

/** The item's server when a call is not about one server. */
const ALL_SERVERS = "codex";

function textOutcome(value: unknown): CallOutcome {
  return { ok: true, result: { content: [{ type: "text", text: JSON.stringify(value) }] } };
}

/** Resource answers are bare JSON text (no wall-time header); failures are their message. */
function resourceOutput(outcome: CallOutcome): ToolResult {
  if (!outcome.ok) return { output: outcome.error, success: false };
  const first = outcome.result.content[0];
  return { output: first?.type === "text" ? first.text : "", success: true };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type Listing = "resources" | "resourceTemplates";

function listHandler(manager: McpConnectionManager, kind: Listing): ToolHandler {
  const spec = RESOURCE_TOOL_SPECS.find((s) => s.name === (kind === "resources" ? LIST_MCP_RESOURCES : LIST_MCP_RESOURCE_TEMPLATES));
  if (!spec) throw new Error("resource tool spec missing");
  return {
    spec,
    async handle(call, ctx) {
      const args = parseArguments(call, ListArgs);
      if (!args.ok) return { output: args.error, success: false };
      const { server, cursor } = args.value;
      if (server !== undefined && !manager.connection(server)) return { output: `unknown MCP server '${server}'`, success: false };
      if (server === undefined && cursor !== undefined) return { output: "cursor can only be used when a server is specified", success: false };
      return runMcpItem(ctx, call, { server: server ?? ALL_SERVERS, tool: spec.name }, {
        run: async () => {
          try {
            if (server === undefined) {
              const all = kind === "resources" ? await manager.allResources() : await manager.allResourceTemplates();
              return textOutcome({ [kind]: Object.entries(all).flatMap(([name, entries]) => (entries as object[]).map((e) => ({ server: name, ...e }))) });
            }
            const page =
              kind === "resources" ? await manager.listResources(server, cursor) : await manager.listResourceTemplates(server, cursor);
            const entries = (kind === "resources" ? page.resources : page.resourceTemplates) as object[];
            return textOutcome({
              server,
              [kind]: entries.map((e) => ({ server, ...e })),
              ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
            });
          } catch (error) {
            return { ok: false, error: `failed to list ${kind === "resources" ? "resources" : "resource templates"}: ${errorText(error)}` };
          }
        },
        toModel: (outcome) => resourceOutput(outcome),
      });
    },
  };
}

function readHandler(manager: McpConnectionManager): ToolHandler {
  const spec = RESOURCE_TOOL_SPECS.find((s) => s.name === READ_MCP_RESOURCE);
  if (!spec) throw new Error("resource tool spec missing");
  return {
    spec,
    async handle(call, ctx) {
      const args = parseArguments(call, ReadArgs);
      if (!args.ok) return { output: args.error, success: false };
      const { server, uri } = args.value;
      if (!manager.connection(server)) return { output: `unknown MCP server '${server}'`, success: false };
      return runMcpItem(ctx, call, { server, tool: spec.name }, {
        run: async () => {
          try {
            const read = await manager.readResource(server, uri);
            return textOutcome({ server, uri, contents: read.contents });
          } catch (error) {
            return { ok: false, error: `failed to read resource ${uri}: ${errorText(error)}` };
          }
        },
        toModel: (outcome) => resourceOutput(outcome),
      });
    },
  };
}

/** The three resource tools (offered whenever an MCP server is configured). */
export function resourceToolHandlers(manager: McpConnectionManager): ToolHandler[] {
  return [listHandler(manager, "resources"), listHandler(manager, "resourceTemplates"), readHandler(manager)];
}
