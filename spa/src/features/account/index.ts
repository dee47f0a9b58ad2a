// The feature's public surface: app/ composes these, nothing reaches into the folder.
export { AccountPage } from "./components/AccountPage";
export { useMe, type Me } from "./api/get-me";
export { useSwitchWorkspace } from "./api/switch-workspace";
export { accountText } from "./text";
