// The js_repl kernel: a small Node program (run as `node -e KERNEL_SOURCE` under the session's
// sandbox, like any command) that keeps one REPL context alive across calls. It reads JSON lines
// on stdin and answers on stdout, each protocol line starting with KERNEL_MARK so that anything
// else the code prints to stdout can still be told apart:
//   → {"type":"exec","id":n,"code":"…"}          evaluate (top-level await, bindings persist)
//   ← {"type":"run_tool","id":n,"name":…,"args":…} the code called `codex.tool(name, args)`
//   → {"type":"tool_result","id":n,"output":…,"ok":true|false}
//   ← {"type":"exec_result","id":n,"output":"…","error":null|"…"}
// Console output, process.stdout/stderr writes and the value of the last expression (when not
// undefined) make up an exec's `output`.

export const KERNEL_MARK = "\u0001codex-js-repl\u0001";

export const KERNEL_SOURCE = `
"use strict";
const repl = require("node:repl");
const { PassThrough, Writable } = require("node:stream");
const { Console } = require("node:console");
const { inspect } = require("node:util");
const readline = require("node:readline");
const MARK = ${JSON.stringify(KERNEL_MARK)};
const writeOut = process.stdout.write.bind(process.stdout);
const send = (message) => writeOut(MARK + JSON.stringify(message) + "\\n");
let capture = null;
const collect = (chunk) => { if (capture) capture.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8")); return true; };
const sink = new Writable({ write(chunk, _encoding, callback) { collect(chunk); callback(); } });
process.stdout.write = (chunk) => collect(chunk);
process.stderr.write = (chunk) => collect(chunk);
// The REPL reports an evaluation's uncaught error on its output stream (not to the eval callback).
const replOutput = new PassThrough();
let failCurrent = null;
replOutput.on("data", (chunk) => { const text = String(chunk).trim(); if (text && failCurrent) failCurrent(text); });
const server = repl.start({ input: new PassThrough(), output: replOutput, terminal: false, prompt: "", useGlobal: false, ignoreUndefined: true });
server.context.console = new Console(sink, sink);
const pending = new Map();
let nextTool = 0;
server.context.codex = Object.freeze({
  tool(name, args) {
    if (typeof name !== "string" || name === "") return Promise.reject(new Error("codex.tool(name, args): name must be a tool name"));
    const id = ++nextTool;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      send({ type: "run_tool", id, name, args: args === undefined ? {} : args });
    });
  },
});
process.on("unhandledRejection", (reason) => collect("Unhandled rejection: " + (reason && reason.stack ? reason.stack : String(reason)) + "\\n"));
let queue = Promise.resolve();
const run = (message) => new Promise((resolve) => {
  capture = [];
  let finished = false;
  const finish = (errorText, result) => {
    if (finished) return;
    finished = true;
    failCurrent = null;
    const parts = capture;
    capture = null;
    if (errorText === null && result !== undefined) parts.push((parts.length && !parts[parts.length - 1].endsWith("\\n") ? "\\n" : "") + (typeof result === "string" ? result : inspect(result, { depth: 4 })));
    send({ type: "exec_result", id: message.id, output: parts.join(""), error: errorText });
    resolve();
  };
  failCurrent = (text) => finish(text.split("\\n").filter((l) => !/node:|\\[eval\\]|new Promise|<anonymous>/.test(l)).slice(0, 8).join("\\n"));
  server.eval(message.code, server.context, "js_repl", (error, result) => {
    finish(error ? (error && error.stack ? error.stack.split("\\n").slice(0, 6).join("\\n") : String(error)) : null, result);
  });
});
readline.createInterface({ input: process.stdin, crlfDelay: Infinity }).on("line", (line) => {
  let message;
  try { message = JSON.parse(line); } catch { return; }
  if (message.type === "exec") queue = queue.then(() => run(message));
  else if (message.type === "tool_result") {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.output);
    else waiter.reject(new Error(typeof message.output === "string" ? message.output : "tool call failed"));
  }
}).on("close", () => process.exit(0));
send({ type: "ready" });
`;
