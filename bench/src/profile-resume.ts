/**
 * Resumes one 10,000-item rollout (as in the thread-list benchmark) in the built app-server under
 * extra node flags, printing the request's wall time, to profile thread/resume:
 *   node --conditions=@codex-ts/source --import tsx src/profile-resume.ts --cpu-prof --cpu-prof-dir=/tmp/prof
 * With PROFILE_RESUME_INDEXED=1, a first server (without the flags) resumes the thread once, so the
 * measured one finds the thread store's index already built, as the benchmark's later repeats do.
 */
import { AppServerClient, missingBuild, removeDir, tempDir, writeLongThread } from "./support.js";

const why = missingBuild("app-server");
if (why) {
  console.error(why);
  process.exit(1);
}
const nodeArgs = process.argv.slice(2);
const home = tempDir("profile-resume-home");
const work = tempDir("profile-resume-work");
const id = writeLongThread(home, 10_000, work);
if (process.env.PROFILE_RESUME_INDEXED === "1") {
  const first = new AppServerClient(home, work);
  await first.initialize();
  await first.call("thread/resume", { threadId: id });
  await first.close();
}
const server = new AppServerClient(home, work, nodeArgs);
await server.initialize();
const t0 = performance.now();
await server.call("thread/resume", { threadId: id });
console.log(`thread/resume: ${(performance.now() - t0).toFixed(0)} ms`);
await server.close();
removeDir(home);
removeDir(work);
