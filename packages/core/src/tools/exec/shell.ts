/**
 * Just enough shell understanding for approvals: split a plain script into simple commands
 * (joined by `&&`, `||`, `;`, `|`) and recognise read-only commands that are safe to run without
 * asking. Anything with expansions, redirections, subshells or other syntax is "not plain" and
 * gets no special treatment.
 */

/** Split `script` into argv lists, or undefined when it uses anything beyond words and quotes. */
export function splitPlainScript(script: string): string[][] | undefined {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = "";
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length === 0) return false;
    commands.push(words);
    words = [];
    return true;
  };
  let i = 0;
  while (i < script.length) {
    const c = script[i] as string;
    if (c === "'") {
      const close = script.indexOf("'", i + 1);
      if (close < 0) return undefined;
      word += script.slice(i + 1, close);
      inWord = true;
      i = close + 1;
    } else if (c === '"') {
      let j = i + 1;
      let value = "";
      for (; j < script.length && script[j] !== '"'; j++) {
        const d = script[j] as string;
        if (d === "$" || d === "`") return undefined;
        if (d === "\\") {
          const next = script[j + 1];
          if (next === undefined) return undefined;
          if (next === '"' || next === "\\") {
            value += next;
            j++;
            continue;
          }
        }
        value += d;
      }
      if (j >= script.length) return undefined;
      word += value;
      inWord = true;
      i = j + 1;
    } else if (c === " " || c === "\t") {
      endWord();
      i++;
    } else if (c === "\n") {
      if (words.length > 0 || inWord) endCommand();
      i++;
    } else if (script.startsWith("&&", i) || script.startsWith("||", i)) {
      if (!endCommand()) return undefined;
      i += 2;
    } else if (c === ";" || c === "|") {
      if (!endCommand()) return undefined;
      i++;
    } else if (/[A-Za-z0-9_\-./,:=+@%^]/.test(c)) {
      word += c;
      inWord = true;
      i++;
    } else {
      return undefined; // $ ` ( ) < > & * ? [ ] { } ~ ! # \ and friends
    }
  }
  endWord();
  if (words.length > 0) commands.push(words);
  return commands.length > 0 ? commands : undefined;
}

/** The script of `bash -lc "<script>"`-style argv, if that is what `argv` is. */
export function shellScriptOf(argv: string[]): string | undefined {
  if (argv.length !== 3) return undefined;
  const [shell, flag, script] = argv;
  const name = (shell ?? "").split("/").pop() ?? "";
  if (!["bash", "zsh", "sh", "dash"].includes(name)) return undefined;
  if (flag !== "-c" && flag !== "-lc") return undefined;
  return script;
}

const ALWAYS_SAFE = new Set([
  "cat",
  "cd",
  "cut",
  "echo",
  "expr",
  "false",
  "grep",
  "head",
  "id",
  "ls",
  "nl",
  "paste",
  "pwd",
  "rev",
  "seq",
  "stat",
  "tail",
  "tr",
  "true",
  "uname",
  "uniq",
  "wc",
  "which",
  "whoami",
]);

const UNSAFE_FIND = new Set(["-exec", "-execdir", "-ok", "-okdir", "-delete", "-fls", "-fprint", "-fprint0", "-fprintf"]);
const UNSAFE_RG = ["--pre", "--hostname-bin", "--search-zip", "-z"];
const SAFE_GIT = new Set(["status", "log", "diff", "show", "branch"]);

/** A single simple command that only reads. */
export function isSafeSimpleCommand(argv: string[]): boolean {
  const [cmd, ...args] = argv;
  if (cmd === undefined) return false;
  if (ALWAYS_SAFE.has(cmd)) return true;
  if (cmd === "find") return !args.some((a) => UNSAFE_FIND.has(a));
  if (cmd === "rg") return !args.some((a) => UNSAFE_RG.some((u) => a === u || a.startsWith(`${u}=`)));
  if (cmd === "git") {
    const sub = args[0];
    if (sub === undefined || !SAFE_GIT.has(sub)) return false;
    // `git branch` only lists when given no arguments that create/delete/rename.
    if (sub === "branch") return args.slice(1).every((a) => ["-a", "-r", "-v", "-vv", "--list", "--show-current"].includes(a));
    return !args.some((a) => a.startsWith("--output") || a === "--ext-diff");
  }
  if (cmd === "sed") {
    // sed -n <N>p / <M>,<N>p <file>
    return args.length <= 3 && args[0] === "-n" && /^\d+(,\d+)?p$/.test(args[1] ?? "");
  }
  return false;
}

/** Known-safe: a read-only command, directly or as a plain `bash -lc` script of them. */
export function isKnownSafeCommand(argv: string[]): boolean {
  if (isSafeSimpleCommand(argv)) return true;
  const script = shellScriptOf(argv);
  if (script === undefined) return false;
  const commands = splitPlainScript(script);
  return commands !== undefined && commands.every(isSafeSimpleCommand);
}

/** The simple commands a command line consists of (for execpolicy), or the argv itself. */
export function commandsForPolicy(argv: string[]): string[][] {
  const script = shellScriptOf(argv);
  if (script === undefined) return [argv];
  return splitPlainScript(script) ?? [argv];
}
