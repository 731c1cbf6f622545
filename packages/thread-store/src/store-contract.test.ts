import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { LocalThreadStore } from "./index.js";
import { describeThreadStoreContract, unwrapResult } from "./store-contract.js";

const made: { dir: string; store: LocalThreadStore }[] = [];

describeThreadStoreContract("LocalThreadStore", {
  async open() {
    const dir = await mkdtemp(path.join(os.tmpdir(), "codex-ts-contract-"));
    const store = unwrapResult(await LocalThreadStore.open({ codexHome: dir }));
    made.push({ dir, store });
    return store;
  },
  async cleanup() {
    for (const { dir, store } of made.splice(0)) {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
});
