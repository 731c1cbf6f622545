// Methods: account/* (auth state, API-key login, logout, rate limits).
import type { Runtime } from "../runtime.js";
import type { MethodSpec } from "../server.js";

/** [method name, spec] pairs, registered by buildMethods (methods/index.ts). */
export function accountMethods(_runtime: Runtime): Array<[string, MethodSpec]> {
  return [];
}
