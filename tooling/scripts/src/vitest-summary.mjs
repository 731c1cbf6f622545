#!/usr/bin/env node
// Prints the summary of the last test run (`N passed, N failed, N skipped` last); exits 1 unless all passed.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { summarize } from "./summary.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const summary = summarize(root);
for (const line of summary.lines) console.log(line);
process.exit(summary.ok ? 0 : 1);
