/**
 * The legacy sandbox policy in its two wire spellings: core's `CoreSandboxPolicy` (kebab-case
 * tags, snake_case fields — rollouts, `turn_context`, ops) and the app-server v2 `SandboxPolicy`
 * (camelCase — `thread/start` responses, `sandboxPolicy` params). One converter pair, so nobody
 * maps the fields by hand. Both accept the parsed (defaults filled) or the input form.
 */
import type { z } from "zod";
import type { NetworkApprovalContext as CoreNetworkApprovalContext } from "./core/policy.js";
import type { CoreSandboxPolicy } from "./permissions.js";
import type { SandboxPolicy as V2SandboxPolicy } from "./v2/policy.js";
import type { NetworkApprovalContext as V2NetworkApprovalContextSchema } from "./v2/server-requests.js";

/** `CoreSandboxPolicy` as accepted on input: fields with defaults may be left out. */
export type CoreSandboxPolicyInput = z.input<typeof CoreSandboxPolicy>;
/** v2 `SandboxPolicy` as accepted on input: fields with defaults may be left out. */
export type V2SandboxPolicyInput = z.input<typeof V2SandboxPolicy>;

/** Core sandbox policy → app-server v2 `SandboxPolicy` (defaults filled in). */
export function coreSandboxPolicyToV2(policy: CoreSandboxPolicyInput): V2SandboxPolicy {
  switch (policy.type) {
    case "danger-full-access":
      return { type: "dangerFullAccess" };
    case "read-only":
      return { type: "readOnly", networkAccess: policy.network_access ?? false };
    case "external-sandbox":
      return { type: "externalSandbox", networkAccess: policy.network_access ?? "restricted" };
    case "workspace-write":
      return {
        type: "workspaceWrite",
        writableRoots: [...(policy.writable_roots ?? [])],
        networkAccess: policy.network_access ?? false,
        excludeTmpdirEnvVar: policy.exclude_tmpdir_env_var ?? false,
        excludeSlashTmp: policy.exclude_slash_tmp ?? false,
      };
  }
}

/** App-server v2 `SandboxPolicy` → core sandbox policy (defaults filled in). */
export function v2SandboxPolicyToCore(policy: V2SandboxPolicyInput): CoreSandboxPolicy {
  switch (policy.type) {
    case "dangerFullAccess":
      return { type: "danger-full-access" };
    case "readOnly":
      return { type: "read-only", network_access: policy.networkAccess ?? false };
    case "externalSandbox":
      return { type: "external-sandbox", network_access: policy.networkAccess ?? "restricted" };
    case "workspaceWrite":
      return {
        type: "workspace-write",
        writable_roots: [...(policy.writableRoots ?? [])],
        network_access: policy.networkAccess ?? false,
        exclude_tmpdir_env_var: policy.excludeTmpdirEnvVar ?? false,
        exclude_slash_tmp: policy.excludeSlashTmp ?? false,
      };
  }
}

/** v2 `NetworkApprovalContext` (`item/commandExecution/requestApproval.networkApprovalContext`). */
export type V2NetworkApprovalContext = z.infer<typeof V2NetworkApprovalContextSchema>;

const V2_NETWORK_PROTOCOL = { http: "http", https: "https", socks5_tcp: "socks5Tcp", socks5_udp: "socks5Udp" } as const;

/** Core `network_approval_context` (snake_case protocols) → v2 `networkApprovalContext` (camelCase). */
export function networkApprovalContextToV2(context: CoreNetworkApprovalContext): V2NetworkApprovalContext {
  return { host: context.host, protocol: V2_NETWORK_PROTOCOL[context.protocol] };
}
