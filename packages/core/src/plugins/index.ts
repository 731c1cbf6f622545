export {
  type InstalledPlugins,
  type LoadedPlugin,
  loadInstalledPlugins,
  pluginsEnabled,
} from "./installed.js";
export {
  activePluginRoot,
  compareVersions,
  LOCAL_PLUGIN_VERSION,
  type PluginId,
  parsePluginId,
  pluginCacheRoot,
  pluginDataRoot,
} from "./store.js";
