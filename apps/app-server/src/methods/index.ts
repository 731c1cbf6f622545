import { withMemoriesTrigger } from "../memories.js";
import type { Runtime } from "../runtime.js";
import type { MethodSpec } from "../server.js";
import { EXPERIMENTAL_FIELDS } from "../wire.js";
import { accountMethods } from "./account.js";
import { catalogMethods } from "./catalog.js";
import { commandMethods } from "./commands.js";
import { configMethods } from "./config.js";
import { fsMethods } from "./fs.js";
import { goalMethods } from "./goals.js";
import { mcpMethods } from "./mcp.js";
import { modelMethods } from "./models.js";
import { offlineMethods } from "./offline.js";
import { queueMethods } from "../queue-service.js";
import { realtimeMethods } from "./realtime.js";
import { revertMethods } from "./revert.js";
import { reviewMethods } from "./review.js";
import { threadHistoryMethods } from "./thread-history.js";
import { threadOrganizeMethods } from "./thread-organize.js";
import { threadMethods } from "./threads.js";
import { turnMethods } from "./turns.js";
import { workspaceMethods } from "./workspace.js";

/**
 * Every method this server implements, keyed by JSON-RPC method name: the per-group modules'
 * `[name, spec]` pairs merged, with the experimental params fields of wire.ts attached.
 */
export function buildMethods(runtime: Runtime): Map<string, MethodSpec> {
  const methods = new Map<string, MethodSpec>();
  const add = (name: string, spec: MethodSpec) => {
    const experimentalFields = EXPERIMENTAL_FIELDS[name];
    methods.set(name, experimentalFields ? { ...spec, experimentalFields } : spec);
  };
  for (const group of [threadMethods, turnMethods, configMethods, modelMethods, commandMethods, fsMethods, accountMethods, catalogMethods, goalMethods, mcpMethods, offlineMethods, threadHistoryMethods, threadOrganizeMethods, workspaceMethods, realtimeMethods, reviewMethods, revertMethods, queueMethods]) {
    for (const [name, spec] of group(runtime)) add(name, spec);
  }
  withMemoriesTrigger(methods, runtime);
  return methods;
}
