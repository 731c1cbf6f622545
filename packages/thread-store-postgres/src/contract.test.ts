import { describeThreadStoreContract } from "@codex-ts/thread-store/contract";
import { TestStores } from "./test-schemas.js";

const stores = new TestStores();
describeThreadStoreContract("PostgresThreadStore", {
  open: () => stores.open(),
  cleanup: () => stores.cleanup(),
});
