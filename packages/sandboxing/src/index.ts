export {
  accessFor,
  canReadPath,
  canWritePath,
  canonicalPath,
  hasFullDiskRead,
  hasFullDiskWrite,
  isWithin,
  platformMinimalReads,
  PROTECTED_NAMES,
  resolvePolicy,
  unenforceableReason,
  type NetworkMode,
  type ResolvedEntry,
  type ResolvedPolicy,
  type ResolveOptions,
} from "./policy.js";
export { expandDenyGlobs, type ExpandOptions } from "./globs.js";
export { closeHostBridges } from "./proxy-bridge.js";
export { buildBwrapArgv, findOnPath, probeBwrap, removeMountPoints, type BwrapBuildOptions } from "./linux.js";
export {
  buildSeatbeltCommand,
  SANDBOX_EXEC_PATH,
  SEATBELT_BASE_POLICY,
  type SeatbeltCommand,
} from "./macos.js";
export {
  DEFAULT_MACOS_EXTENSIONS,
  intersectMacOsExtensions,
  type MacOsAutomationPermission,
  type MacOsPreferencesPermission,
  type MacOsSeatbeltExtensions,
  parseMacOsAutomation,
  parseMacOsExtensions,
  seatbeltExtensionClauses,
  withSeatbeltExtensions,
} from "./seatbelt-extensions.js";
export {
  detectSandboxDenial,
  prepareSandboxedCommand,
  type PrepareRequest,
  type PrepareResult,
  type SandboxError,
  type SandboxErrorCode,
  type SandboxPlatform,
} from "./prepare.js";
export { type ProfileRun, runSandboxCommand, runUnderProfile, SANDBOX_USAGE, type SandboxCliIo } from "./cli.js";
export {
  createSandboxWrapper,
  profileFromLegacySettings,
  type LegacySandboxSettings,
  type SandboxWrapperOptions,
  type SandboxWrapperResult,
  type SandboxWrapperSpec,
} from "./wrapper.js";
