// The feature's public surface: app/ composes these, nothing reaches into the folder.
export { ExtensionsPage } from "./components/ExtensionsPage";
