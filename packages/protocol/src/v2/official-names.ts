/**
 * How the official schema pairs a method with its response definition: the `params` of the
 * method's request branch is `XParams` (possibly nullable) and the response `XResponse`; a method
 * without params is named after its path (`configRequirements/read` →
 * `ConfigRequirementsReadResponse`), except the few below. Shared by the conformance validator and
 * the zod generator.
 */

/** Methods whose response is named neither after their params nor after their path. */
const IRREGULAR_RESPONSES: Readonly<Record<string, string>> = {
  "config/value/write": "ConfigWriteResponse",
  "config/batchWrite": "ConfigWriteResponse",
  "account/logout": "LogoutAccountResponse",
  "account/securitySetup/read": "GetAccountSecuritySetupResponse",
  "account/workspaceMessages/read": "GetWorkspaceMessagesResponse",
  "account/gatewayOAuth/cancel": "GatewayOAuthCancelResponse",
  "config/mcpServer/reload": "McpServerRefreshResponse",
  "externalAgentConfig/import/readHistories": "ExternalAgentConfigImportHistoriesReadResponse",
};

const DEFINITIONS = "#/definitions/";

/** The definition a request branch's `params` points at (`$ref`, or the `$ref` of a nullable `anyOf`). */
export function paramsDefinitionName(params: unknown): string | undefined {
  type Params = { $ref?: string; anyOf?: Array<{ $ref?: string }> };
  const value = params as Params | undefined;
  const ref = value?.$ref ?? value?.anyOf?.find((option) => option.$ref)?.$ref;
  return ref?.startsWith(DEFINITIONS) ? ref.slice(DEFINITIONS.length) : undefined;
}

/**
 * The official response definition of `method`, given its request branch's `params` schema and a
 * test for which definition names exist; `undefined` when none of the candidates exists.
 */
export function officialResponseName(
  method: string,
  params: unknown,
  exists: (name: string) => boolean,
): string | undefined {
  const irregular = IRREGULAR_RESPONSES[method];
  if (irregular !== undefined && exists(irregular)) return irregular;
  const name = paramsDefinitionName(params);
  const candidates = [
    ...(name?.endsWith("Params") ? [`${name.slice(0, -"Params".length)}Response`] : []),
    `${method
      .split("/")
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join("")}Response`,
  ];
  return candidates.find(exists);
}
