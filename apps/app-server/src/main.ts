import { runAppServer } from "./run.js";

const code = await runAppServer({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
process.exitCode = code;
// Handles such as idle child processes must not keep a disconnected server alive.
setTimeout(() => process.exit(code), 2_000).unref();
