export {
  COMPILE_CACHE_ENV,
  type CodeCacheLoad,
  type CodeCacheOptions,
  requireWithCodeCache,
} from "./compile-cache.js";
