// The feature's public surface: app/ composes these, nothing reaches into the folder.
export { LoginPage } from "./components/LoginPage";
export { useLogout } from "./api/logout";
export { authText } from "./text";
