/**
 * The bundled system skills (imagegen, openai-docs, review-agent, skill-creator, skill-installer),
 * installed as Codex 0.169 installs its own: under `$CODEX_HOME/skills/.system/NAME/`, with a
 * `.codex-system-skills.marker` holding a fingerprint of the bundle. A start whose marker matches
 * touches nothing; otherwise the folder is replaced whole (edits made there do not survive).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { imagegen } from "./imagegen.js";
import { openaiDocs } from "./openai-docs.js";
import { reviewAgent } from "./review-agent.js";
import { skillCreator } from "./skill-creator.js";
import { skillInstaller } from "./skill-installer.js";

export const SYSTEM_SKILLS: Readonly<Record<string, Record<string, string>>> = {
  imagegen,
  "openai-docs": openaiDocs,
  "review-agent": reviewAgent,
  "skill-creator": skillCreator,
  "skill-installer": skillInstaller,
};

export const SYSTEM_SKILLS_MARKER = ".codex-system-skills.marker";

/** `$CODEX_HOME/skills/.system`. */
export function systemSkillsDir(codexHome: string): string {
  return path.join(codexHome, "skills", ".system");
}

/** 16 hex digits over every bundled file's path and content. */
export function systemSkillsFingerprint(): string {
  const hash = createHash("sha256");
  for (const [skill, files] of Object.entries(SYSTEM_SKILLS).sort(([a], [b]) => a.localeCompare(b))) {
    for (const [file, text] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
      hash.update(`${skill}/${file}\0${text}\0`);
    }
  }
  return hash.digest("hex").slice(0, 16);
}

function readMarker(dir: string): string | null {
  try {
    return readFileSync(path.join(dir, SYSTEM_SKILLS_MARKER), "utf8").trim();
  } catch {
    return null;
  }
}

/**
 * Installs the bundled skills unless the marker says they are current. Writes into a sibling
 * temp folder first and renames it into place, so a crash never leaves a half-written `.system`.
 * Returns whether it wrote anything.
 */
export function installSystemSkills(codexHome: string): boolean {
  const dir = systemSkillsDir(codexHome);
  const fingerprint = systemSkillsFingerprint();
  if (readMarker(dir) === fingerprint) return false;
  const staging = `${dir}.tmp-${process.pid}-${Date.now()}`;
  try {
    for (const [skill, files] of Object.entries(SYSTEM_SKILLS)) {
      for (const [file, text] of Object.entries(files)) {
        const target = path.join(staging, skill, file);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, text);
      }
    }
    writeFileSync(path.join(staging, SYSTEM_SKILLS_MARKER), `${fingerprint}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return true;
}
