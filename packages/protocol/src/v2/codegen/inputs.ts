import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as z from "zod";
import * as coreModule from "../../core/index.js";
import * as execEventsModule from "../../exec-events.js";
import * as hooksModule from "../../hooks.js";
import * as permissionsModule from "../../permissions.js";
import * as responsesModule from "../../responses.js";
import * as rolloutModule from "../../rollout.js";
import * as approvals from "../approvals.js";
import * as common from "../common.js";
import * as legacy from "../legacy-server-responses.js";
import * as mcp from "../mcp.js";
import * as notificationsMore from "../notifications-more.js";
import * as notifications from "../notifications.js";
import { officialSchemaDir } from "../official-schema.js";
import * as policy from "../policy.js";
import * as requests from "../requests.js";
import * as serverRequests from "../server-requests.js";
import {
  handwrittenClientRequestMethods,
  handwrittenServerNotificationMethods,
  handwrittenServerRequestMethods,
} from "../tables.js";
import * as thread from "../thread.js";
import * as tools from "../tools.js";
import * as turnRequests from "../turn-requests.js";
import type { JsonSchema } from "./emit.js";
import type { GenerateInput, JsonSchemaMap, KnownSchema, OfficialSchema, UnionName } from "./generate.js";

/**
 * Gathers what the generator needs from this package: the official schema it ships, the methods
 * the hand-written tables cover, and which definitions hand-written modules already export.
 * (Kept apart from generate.ts, which is pure and unit-tested on small schemas.)
 */

/** Hand-written modules, by specifier relative to src/v2/; v2 ones may also match by export name. */
const V2_MODULES: Record<string, Record<string, unknown>> = {
  "./approvals.js": approvals,
  "./common.js": common,
  "./legacy-server-responses.js": legacy,
  "./mcp.js": mcp,
  "./notifications.js": notifications,
  "./notifications-more.js": notificationsMore,
  "./policy.js": policy,
  "./requests.js": requests,
  "./server-requests.js": serverRequests,
  "./thread.js": thread,
  "./tools.js": tools,
  "./turn-requests.js": turnRequests,
};
const TOP_LEVEL_MODULES: Record<string, Record<string, unknown>> = {
  "../core/index.js": coreModule,
  "../exec-events.js": execEventsModule,
  "../hooks.js": hooksModule,
  "../permissions.js": permissionsModule,
  "../responses.js": responsesModule,
  "../rollout.js": rolloutModule,
};

function registryId(value: unknown): string | undefined {
  if (!(value instanceof z.ZodType)) return undefined;
  const meta = z.globalRegistry.get(value) as { id?: unknown } | undefined;
  return typeof meta?.id === "string" ? meta.id : undefined;
}

export function loadOfficialSchema(dir: string = officialSchemaDir()): OfficialSchema {
  const read = (file: string) => JSON.parse(readFileSync(join(dir, file), "utf8")) as Record<string, unknown>;
  const definitions: JsonSchemaMap = { ...(read("codex_app_server_protocol.v2.schemas.json").definitions as JsonSchemaMap) };
  // As the conformance validator does: the top-level files' definitions, and each file's root by its name.
  for (const file of ["ServerRequest.json", "ClientNotification.json", "InitializeParams.json", "InitializeResponse.json"]) {
    const { definitions: extra = {}, $schema: _schema, ...root } = read(file) as { definitions?: JsonSchemaMap; $schema?: unknown };
    for (const [name, definition] of Object.entries(extra)) if (!(name in definitions)) definitions[name] = definition;
    const rootName = file.replace(/\.json$/, "");
    if (!(rootName in definitions)) definitions[rootName] = root as JsonSchema;
  }
  const union = (file: string) =>
    (read(file).oneOf as { properties: { method: { enum: string[] }; params?: unknown } }[]).map((variant) => ({
      method: variant.properties.method.enum[0] as string,
      params: variant.properties.params,
    }));
  return {
    definitions,
    unions: {
      ClientRequest: union("ClientRequest.json"),
      ServerRequest: union("ServerRequest.json"),
      ServerNotification: union("ServerNotification.json"),
    },
  };
}

export function generatorInput(official: OfficialSchema = loadOfficialSchema()): GenerateInput {
  const known = new Map<string, KnownSchema>();
  const reserved = new Set<string>();
  const byName = new Map<string, KnownSchema>();
  for (const [module, exports] of Object.entries({ ...V2_MODULES, ...TOP_LEVEL_MODULES })) {
    const isV2 = module in V2_MODULES;
    for (const [exportName, value] of Object.entries(exports)) {
      if (isV2) reserved.add(exportName);
      const id = registryId(value);
      if (id !== undefined && (!known.has(id) || exportName === id)) known.set(id, { module, exportName });
      if (isV2 && value instanceof z.ZodType && !byName.has(exportName)) byName.set(exportName, { module, exportName });
    }
  }
  // A v2 export named like an official definition stands for it even when unnamed in the registry.
  for (const [name, schema] of byName) if (!known.has(name) && name in official.definitions) known.set(name, schema);
  const handwritten: Record<UnionName, ReadonlySet<string>> = {
    ClientRequest: new Set(Object.keys(handwrittenClientRequestMethods)),
    ServerRequest: new Set(Object.keys(handwrittenServerRequestMethods)),
    ServerNotification: new Set(Object.keys(handwrittenServerNotificationMethods)),
  };
  return { official, handwritten, known, reserved };
}
