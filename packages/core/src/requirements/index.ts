export {
  DEFAULT_REQUIREMENTS_FILE,
  loadRequirements,
  type ManagedRequirements,
  parseRequirements,
  REQUIREMENTS_FILE_ENV,
  type RequirementsResult,
  requirementsFile,
} from "./load.js";
