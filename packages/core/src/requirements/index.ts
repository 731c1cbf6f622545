export {
  DEFAULT_REQUIREMENTS_FILE,
  loadRequirements,
  type ManagedRequirements,
  parseRequirements,
  REQUIREMENTS_FILE_ENV,
  type RequirementsResult,
  requirementsFile,
} from "./load.js";
export { DEFAULT_MANAGED_CONFIG_FILE, MANAGED_CONFIG_FILE_ENV, managedConfigFile } from "./managed-config.js";
