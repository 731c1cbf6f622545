/**
 * The spec and argument pieces exec_command and shell_command (and write_stdin's waiting
 * parameters) share: escalation and inline permission requests, as Codex 0.169 shows them.
 */
import * as z from "zod";
import { AdditionalPermissionProfile } from "@codex-ts/protocol";
import { permissionsParameterSchema } from "./permissions.js";
import type { FunctionToolSpec, JsonSchema } from "./types.js";

export const sandboxPermissionsProp = {
  type: "string",
  description:
    'Sandbox permissions for the command. "require_escalated" asks to run it without sandbox restrictions (needs approval); "with_additional_permissions" keeps the sandbox but asks for the extra paths / network in `additional_permissions`; the default is "use_default".',
};
export const additionalPermissionsProp = {
  ...permissionsParameterSchema,
  description:
    'Only with sandbox_permissions "with_additional_permissions": the extra permissions this command needs. Relative paths are resolved against workdir.',
};
export const justificationProp = {
  type: "string",
  description:
    'Only with sandbox_permissions "require_escalated": a one-sentence reason the command needs to run outside the sandbox.',
};
export const prefixRuleProp = {
  type: "array",
  items: { type: "string" },
  description:
    'Only with sandbox_permissions "require_escalated": a command prefix (e.g. ["git", "pull"]) the user may allow for future commands.',
};

/** Output-waiting parameters shared by exec_command and write_stdin. */
export const yieldTimeProp = { type: "number", description: "How long to wait for output (in milliseconds) before returning." } as const;
export const maxOutputTokensProp = {
  type: "number",
  description: "Maximum number of tokens of output to return; the rest is truncated.",
} as const;

// Argument pieces exec_command and shell_command share.

export const SandboxPermissions = z.enum(["use_default", "require_escalated", "with_additional_permissions"]).optional();
export const PositiveNumber = z.number().finite().nonnegative().optional();

/** The spec properties exec_command and shell_command share (escalation and permission requests). */
export const commandPermissionProps = {
  sandbox_permissions: sandboxPermissionsProp,
  additional_permissions: additionalPermissionsProp,
  justification: justificationProp,
  prefix_rule: prefixRuleProp,
};

/**
 * A command tool's spec without the inline permission request (feature
 * `exec_permission_approvals` off), as Codex 0.169 shows it: `sandbox_permissions` is one of
 * `use_default` / `require_escalated` and there is no `additional_permissions`.
 */
export function withoutInlinePermissions(spec: FunctionToolSpec): FunctionToolSpec {
  const properties = spec.parameters.properties;
  if (!properties || !("additional_permissions" in properties)) return spec;
  const { additional_permissions: _dropped, ...rest } = properties;
  const sandbox_permissions: JsonSchema = {
    type: "string",
    enum: ["use_default", "require_escalated"],
    description:
      'Sandbox permissions for the command: "require_escalated" asks to run it without sandbox restrictions (needs approval); the default is "use_default".',
  };
  return { ...spec, parameters: { ...spec.parameters, properties: { ...rest, sandbox_permissions } } };
}

/** The argument fields behind those properties. */
export const commandPermissionArgs = {
  sandbox_permissions: SandboxPermissions,
  additional_permissions: AdditionalPermissionProfile.optional(),
  justification: z.string().optional(),
  prefix_rule: z.array(z.string()).optional(),
};
