// Methods: read-only catalogs: experimentalFeature/list, permissionProfile/list, modelProvider/list, mcpServerStatus/list, configRequirements/read.
import type { Runtime } from "../runtime.js";
import type { MethodSpec } from "../server.js";

/** [method name, spec] pairs, registered by buildMethods (methods/index.ts). */
export function catalogMethods(_runtime: Runtime): Array<[string, MethodSpec]> {
  return [];
}
