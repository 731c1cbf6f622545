import { serveProcessStdio } from "./process.js";
import { runAppServer } from "./run.js";

await serveProcessStdio(() => runAppServer);
