// The feature's public surface: app/ composes these, nothing reaches into the folder.
export { ApiStatusBadge } from "./components/ApiStatusBadge";
export { StatusPage } from "./components/StatusPage";
