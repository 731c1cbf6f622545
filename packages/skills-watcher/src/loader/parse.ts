import { readFile, realpath, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as z from "zod";
import type {
  Skill,
  SkillInterface,
  SkillPermissions,
  SkillPolicy,
  SkillRoot,
  SkillToolDependency,
} from "./model.js";

// yaml is loaded with the first skill file: a session without skills never compiles it.
let yamlModule: Promise<typeof import("yaml")> | undefined;
async function parseYaml(text: string): Promise<unknown> {
  yamlModule ??= import("yaml");
  const { parse } = await yamlModule;
  return parse(text);
}

export const SKILL_FILENAME = "SKILL.md";
const METADATA_DIR = "agents";
const METADATA_FILENAME = "openai.yaml";

const MAX_NAME_LEN = 64;
const MAX_DESCRIPTION_LEN = 1024;

/** A parse failure; `message` is what `skills/list` shows for the file. */
export class SkillParseError {
  constructor(readonly message: string) {}
}

/** Lines between a leading `---` line and the next `---` line; undefined when absent or empty. */
export function extractFrontmatter(contents: string): string | undefined {
  const lines = contents.split(/\r?\n/);
  if (lines[0]?.trim() !== "---") return undefined;
  const end = lines.findIndex((line, i) => i > 0 && line.trim() === "---");
  if (end <= 1) return undefined;
  return lines.slice(1, end).join("\n");
}

/** Collapses all whitespace runs (newlines included) to single spaces and trims. */
export function singleLine(raw: string): string {
  return raw.split(/\s+/).filter(Boolean).join(" ");
}

const Frontmatter = z.object({
  name: z.string().nullish(),
  description: z.string().nullish(),
  metadata: z.object({ "short-description": z.string().nullish() }).loose().nullish(),
});

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid value";
  const at = issue.path.length > 0 ? issue.path.join(".") : "frontmatter";
  return `${at}: ${issue.message}`;
}

function checkLength(value: string, max: number, field: string): void {
  if (value.length === 0) throw new SkillParseError(`missing field \`${field}\``);
  if ([...value].length > max)
    throw new SkillParseError(`invalid ${field}: exceeds maximum length of ${max} characters`);
}

/** The folder name of a SKILL.md, used when the frontmatter has no `name`. */
function defaultName(skillPath: string): string {
  return singleLine(path.basename(path.dirname(skillPath))) || "skill";
}

/** `name@marketplace` → `name`, used as the `name:` namespace of plugin skills. */
export function pluginNamespace(pluginId: string): string {
  const at = pluginId.indexOf("@");
  return at > 0 ? pluginId.slice(0, at) : pluginId;
}

async function canonical(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    return p;
  }
}

/**
 * Reads and validates one `SKILL.md` (and its optional `agents/openai.yaml`).
 * Throws only `SkillParseError`; optional metadata problems land in `warnings`.
 */
export async function parseSkillFile(skillPath: string, root: SkillRoot, warnings: string[]): Promise<Skill> {
  let contents: string;
  try {
    contents = await readFile(skillPath, "utf8");
  } catch (error) {
    throw new SkillParseError(`failed to read file: ${(error as Error).message}`);
  }
  const frontmatter = extractFrontmatter(contents);
  if (frontmatter === undefined) throw new SkillParseError("missing YAML frontmatter delimited by ---");

  let raw: unknown;
  try {
    raw = await parseYaml(frontmatter);
  } catch (error) {
    throw new SkillParseError(`invalid YAML: ${singleLine((error as Error).message)}`);
  }
  const parsed = Frontmatter.safeParse(raw ?? {});
  if (!parsed.success) throw new SkillParseError(`invalid YAML: ${issueText(parsed.error)}`);

  const baseName = singleLine(parsed.data.name ?? "") || defaultName(skillPath);
  const name = root.pluginId ? `${pluginNamespace(root.pluginId)}:${baseName}` : baseName;
  const description = singleLine(parsed.data.description ?? "");
  const shortRaw = parsed.data.metadata?.["short-description"];
  const shortDescription = shortRaw ? singleLine(shortRaw) || null : null;

  checkLength(name, MAX_NAME_LEN, "name");
  checkLength(description, MAX_DESCRIPTION_LEN, "description");
  if (shortDescription !== null)
    checkLength(shortDescription, MAX_DESCRIPTION_LEN, "metadata.short-description");

  const resolved = await canonical(skillPath);
  const meta = await loadSkillMetadata(path.dirname(resolved), root.pluginRoot, warnings);
  return {
    name,
    description,
    shortDescription,
    interface: meta.interface,
    dependencies: meta.dependencies,
    permissions: meta.permissions,
    policy: meta.policy,
    path: resolved,
    scope: root.scope,
    enabled: true,
    pluginId: root.pluginId ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// agents/openai.yaml (optional; fail open)

const optStr = z.string().nullish();
const MetadataFile = z
  .object({
    interface: z
      .object({
        display_name: optStr,
        short_description: optStr,
        icon_small: optStr,
        icon_large: optStr,
        brand_color: optStr,
        default_prompt: optStr,
      })
      .loose()
      .nullish(),
    dependencies: z
      .object({
        tools: z
          .array(
            z
              .object({
                type: optStr,
                value: optStr,
                description: optStr,
                transport: optStr,
                command: optStr,
                url: optStr,
              })
              .loose(),
          )
          .nullish(),
      })
      .loose()
      .nullish(),
    policy: z
      .object({ allow_implicit_invocation: z.boolean().nullish(), products: z.array(z.string()).nullish() })
      .loose()
      .nullish(),
    permissions: z
      .object({
        // `network: true` or, as Codex writes it now, `network: { enabled: true }`.
        network: z
          .union([z.boolean(), z.object({ enabled: z.boolean().nullish() }).loose()])
          .nullish()
          .transform((value) => (typeof value === "object" && value !== null ? value.enabled : value)),
        file_system: z
          .object({ read: z.array(z.string()).nullish(), write: z.array(z.string()).nullish() })
          .loose()
          .nullish(),
        macos: z.unknown().optional(),
      })
      .loose()
      .nullish(),
  })
  .loose();

interface LoadedMetadata {
  interface: SkillInterface | null;
  dependencies: { tools: SkillToolDependency[] } | null;
  permissions: SkillPermissions | null;
  policy: SkillPolicy | null;
}

const NO_METADATA: LoadedMetadata = { interface: null, dependencies: null, permissions: null, policy: null };

async function loadSkillMetadata(
  skillDir: string,
  pluginRoot: string | undefined,
  warnings: string[],
): Promise<LoadedMetadata> {
  const file = path.join(skillDir, METADATA_DIR, METADATA_FILENAME);
  try {
    if (!(await stat(file)).isFile()) return NO_METADATA;
  } catch {
    return NO_METADATA;
  }
  let raw: unknown;
  try {
    raw = await parseYaml(await readFile(file, "utf8"));
  } catch (error) {
    warnings.push(`ignoring ${file}: invalid ${METADATA_FILENAME}: ${singleLine((error as Error).message)}`);
    return NO_METADATA;
  }
  const parsed = MetadataFile.safeParse(raw ?? {});
  if (!parsed.success) {
    warnings.push(`ignoring ${file}: invalid ${METADATA_FILENAME}: ${issueText(parsed.error)}`);
    return NO_METADATA;
  }
  const data = parsed.data;
  const warn = (msg: string) => warnings.push(`${file}: ${msg}`);
  return {
    interface: resolveInterface(data.interface, skillDir, pluginRoot, warn),
    dependencies: resolveDependencies(data.dependencies?.tools, warn),
    permissions: data.permissions ? await resolvePermissions(data.permissions, skillDir, warn) : null,
    policy: data.policy
      ? {
          ...(data.policy.allow_implicit_invocation != null
            ? { allowImplicitInvocation: data.policy.allow_implicit_invocation }
            : {}),
          products: data.policy.products ?? [],
        }
      : null,
  };
}

/** Optional single-line string of bounded length; anything else is dropped with a warning. */
function optionalText(
  value: string | null | undefined,
  max: number,
  field: string,
  warn: (m: string) => void,
): string | null {
  if (value == null) return null;
  const text = singleLine(value);
  if (text.length === 0) {
    warn(`ignoring ${field}: value is empty`);
    return null;
  }
  if ([...text].length > max) {
    warn(`ignoring ${field}: exceeds maximum length of ${max} characters`);
    return null;
  }
  return text;
}

function resolveInterface(
  iface: z.infer<typeof MetadataFile>["interface"],
  skillDir: string,
  pluginRoot: string | undefined,
  warn: (m: string) => void,
): SkillInterface | null {
  if (!iface) return null;
  let brandColor: string | null = null;
  if (iface.brand_color != null) {
    const color = iface.brand_color.trim();
    if (/^#[0-9a-fA-F]{6}$/.test(color)) brandColor = color;
    else warn(`ignoring interface.brand_color: expected #RRGGBB, got ${color}`);
  }
  const out: SkillInterface = {
    displayName: optionalText(iface.display_name, MAX_NAME_LEN, "interface.display_name", warn),
    shortDescription: optionalText(
      iface.short_description,
      MAX_DESCRIPTION_LEN,
      "interface.short_description",
      warn,
    ),
    brandColor,
    defaultPrompt: optionalText(iface.default_prompt, MAX_DESCRIPTION_LEN, "interface.default_prompt", warn),
    iconSmall: resolveAssetPath(iface.icon_small, skillDir, pluginRoot, "interface.icon_small", warn),
    iconSmallUrl: null,
    iconLarge: resolveAssetPath(iface.icon_large, skillDir, pluginRoot, "interface.icon_large", warn),
    iconLargeUrl: null,
  };
  return Object.values(out).some((v) => v !== null) ? out : null;
}

/**
 * Icons are relative paths under the skill's `assets/` folder; a plugin skill may also point
 * (with `..`) into the plugin's own `assets/` folder.
 */
function resolveAssetPath(
  value: string | null | undefined,
  skillDir: string,
  pluginRoot: string | undefined,
  field: string,
  warn: (m: string) => void,
): string | null {
  if (value == null || value === "") return null;
  if (path.isAbsolute(value)) {
    warn(`ignoring ${field}: icon must be a relative path under assets/`);
    return null;
  }
  const parts = value.split(/[\\/]+/).filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) {
    if (pluginRoot) {
      const resolved = path.resolve(skillDir, value);
      const shared = path.join(path.resolve(pluginRoot), "assets") + path.sep;
      if (resolved.startsWith(shared)) return resolved;
    }
    warn(`ignoring ${field}: icon path must not contain '..'`);
    return null;
  }
  if (parts[0] !== "assets") {
    warn(`ignoring ${field}: icon path must be under assets/`);
    return null;
  }
  return path.join(skillDir, ...parts);
}

function resolveDependencies(
  tools: NonNullable<NonNullable<z.infer<typeof MetadataFile>["dependencies"]>["tools"]> | null | undefined,
  warn: (m: string) => void,
): { tools: SkillToolDependency[] } | null {
  if (!tools) return null;
  const out: SkillToolDependency[] = [];
  for (const tool of tools) {
    if (tool.type == null || tool.value == null) {
      warn("ignoring dependencies.tools entry: `type` and `value` are required");
      continue;
    }
    const type = optionalText(tool.type, MAX_NAME_LEN, "dependencies.tools.type", warn);
    const value = optionalText(tool.value, MAX_DESCRIPTION_LEN, "dependencies.tools.value", warn);
    if (type === null || value === null) continue;
    out.push({
      type,
      value,
      description: optionalText(
        tool.description,
        MAX_DESCRIPTION_LEN,
        "dependencies.tools.description",
        warn,
      ),
      transport: optionalText(tool.transport, MAX_NAME_LEN, "dependencies.tools.transport", warn),
      command: optionalText(tool.command, MAX_DESCRIPTION_LEN, "dependencies.tools.command", warn),
      url: optionalText(tool.url, MAX_DESCRIPTION_LEN, "dependencies.tools.url", warn),
    });
  }
  return out.length > 0 ? { tools: out } : null;
}

async function resolvePermissions(
  perms: NonNullable<z.infer<typeof MetadataFile>["permissions"]>,
  skillDir: string,
  warn: (m: string) => void,
): Promise<SkillPermissions> {
  const read = await resolvePermissionPaths(
    perms.file_system?.read ?? [],
    skillDir,
    "permissions.file_system.read",
    warn,
  );
  const write = await resolvePermissionPaths(
    perms.file_system?.write ?? [],
    skillDir,
    "permissions.file_system.write",
    warn,
  );
  const out: SkillPermissions = {};
  if (perms.network != null) out.network = perms.network;
  if (read.length > 0 || write.length > 0) {
    out.fileSystem = {};
    if (read.length > 0) out.fileSystem.read = read;
    if (write.length > 0) out.fileSystem.write = write;
  }
  if (perms.macos !== undefined) out.macos = perms.macos;
  return out;
}

/**
 * Permission paths: `~` expands to the home folder, relative paths resolve against the skill
 * folder, `.`/`..` are folded, existing paths are canonicalized; duplicates are dropped.
 */
export async function resolvePermissionPaths(
  values: readonly string[],
  skillDir: string,
  field: string,
  warn: (m: string) => void,
): Promise<string[]> {
  const out: string[] = [];
  for (const value of values) {
    const trimmed = value.trim();
    if (trimmed === "") {
      warn(`ignoring ${field}: value is empty`);
      continue;
    }
    let expanded = trimmed;
    if (trimmed === "~") expanded = os.homedir();
    else if (trimmed.startsWith("~/")) expanded = path.join(os.homedir(), trimmed.slice(2));
    const absolute = await canonical(path.resolve(skillDir, expanded));
    if (!out.includes(absolute)) out.push(absolute);
  }
  return out;
}
