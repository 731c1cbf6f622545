// Methods: command/exec (streamed output goes to the connection that started the process),
// command/exec/write|resize|terminate. The processes themselves: ../command-exec.ts.
import {
  COMMAND_EXEC_EXPERIMENTAL_FIELDS,
  CommandExecParams,
  CommandExecResizeParams,
  CommandExecTerminateParams,
  CommandExecWriteParams,
} from "../command-exec.js";
import type { Runtime } from "../runtime.js";
import { type MethodSpec, concurrently, method } from "../server.js";

/** [method name, spec] pairs, registered by buildMethods (methods/index.ts). */
export function commandMethods(runtime: Runtime): Array<[string, MethodSpec]> {
  const out: Array<[string, MethodSpec]> = [];
  const add = (method: string, spec: MethodSpec) => out.push([method, spec]);
  /* ---------------------------------------------------------------- command/exec */

  add("command/exec", {
    ...concurrently({
      params: CommandExecParams,
      handler: async (p, ctx) => {
        // Streamed output goes to the connection that started the process.
        const processId = (p as { processId?: string | null }).processId;
        if (processId) runtime.commandOwners.set(processId, ctx.server);
        try {
          return await runtime.commands.exec(p);
        } finally {
          if (processId && runtime.commandOwners.get(processId) === ctx.server) runtime.commandOwners.delete(processId);
        }
      },
    }),
    experimentalFields: COMMAND_EXEC_EXPERIMENTAL_FIELDS,
  });
  add(
    "command/exec/write",
    method({
      params: CommandExecWriteParams,
      handler: (p) => {
        runtime.commands.write(p.processId, p.deltaBase64 ?? null, p.closeStdin ?? false);
        return {};
      },
    }),
  );
  add(
    "command/exec/resize",
    method({
      params: CommandExecResizeParams,
      handler: (p) => {
        runtime.commands.resize(p.processId, p.size);
        return {};
      },
    }),
  );
  add(
    "command/exec/terminate",
    method({
      params: CommandExecTerminateParams,
      handler: (p) => {
        runtime.commands.terminate(p.processId);
        return {};
      },
    }),
  );
  return out;
}
