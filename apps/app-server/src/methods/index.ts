import type { Runtime } from "../runtime.js";
import type { MethodSpec } from "../server.js";

/** Every method this server implements, keyed by JSON-RPC method name. */
export function buildMethods(runtime: Runtime): Map<string, MethodSpec> {
  const methods = new Map<string, MethodSpec>();
  void runtime;
  return methods;
}
