/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time by package/file and the top
 * functions, so a missed goal can be traced to its cause.
 *   node --import tsx src/profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

const CallFrame = z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() });
const Profile = z.object({
  nodes: z.array(
    z.object({ id: z.number(), callFrame: CallFrame, children: z.array(z.number()).optional() }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
  startTime: z.number(),
  endTime: z.number(),
});

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: profile-summary <file.cpuprofile> [top]");
  process.exit(2);
}
const parsed = Profile.safeParse(JSON.parse(readFileSync(file, "utf8")));
if (!parsed.success) {
  console.error(`${file} is not a V8 CPU profile: ${parsed.error.message}`);
  process.exit(2);
}
const profile = parsed.data;
const top = Number(topArg ?? 25);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});

/** `@codex-ts/core`, `zod`, `node:internal`, … from a frame's URL. */
function bucket(url: string): string {
  if (url === "") return "(native / V8)";
  if (url.startsWith("node:"))
    return url.startsWith("node:internal/modules") ? "node: module loading" : "node: other";
  const pnpm = /node_modules\/\.pnpm\/([^/]+)\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm) return pnpm[2] as string;
  const ws = /\/(packages|apps|tooling)\/([^/]+)\//.exec(url);
  if (ws) return `@codex-ts/${ws[2]}`;
  return url;
}

const perBucket = new Map<string, number>();
const perFunction = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (!node) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const b = bucket(url);
  perBucket.set(b, (perBucket.get(b) ?? 0) + us);
  const key = `${functionName || "(anonymous)"}  ${url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/(packages|apps)\//, "$1/")}:${lineNumber + 1}`;
  perFunction.set(key, (perFunction.get(key) ?? 0) + us);
}
const total = (profile.endTime - profile.startTime) / 1000;
const show = (title: string, map: Map<string, number>, n: number) => {
  console.log(title);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(
      `  ${(us / 1000).toFixed(1).padStart(8)} ms  ${((us / 1000 / total) * 100).toFixed(1).padStart(5)}%  ${k}`,
    );
  }
};
console.log(`${file}: ${total.toFixed(0)} ms profiled`);
show("self time by package", perBucket, 20);
show("top functions (self time)", perFunction, top);
