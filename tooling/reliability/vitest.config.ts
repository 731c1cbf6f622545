export { default } from "@codex-ts/vitest-config";
