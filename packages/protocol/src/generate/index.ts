export {
  BUNDLE_FILE,
  type GenerateResult,
  type JsonSchema,
  type JsonSchemaBundle,
  TOP_LEVEL_ROOTS,
  buildJsonSchemaBundle,
  defaultRoots,
  generateJsonSchemaBundle,
} from "./bundle.js";
export { type CollectResult, type NamedDefinition, collectDefinitions } from "./collect.js";
export { generateTsBindings, renderTsBindings } from "./typescript.js";
