// Methods: fs/* (files for the client) and fuzzyFileSearch.
import type { Runtime } from "../runtime.js";
import type { MethodSpec } from "../server.js";

/** [method name, spec] pairs, registered by buildMethods (methods/index.ts). */
export function fsMethods(_runtime: Runtime): Array<[string, MethodSpec]> {
  return [];
}
