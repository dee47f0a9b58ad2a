// The feature's public surface: app/ composes these, nothing reaches into the folder.
export { AuditPage } from "./components/AuditPage";
