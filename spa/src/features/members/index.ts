// The feature's public surface: app/ composes these, nothing reaches into the folder.
export { MembersPage } from "./components/MembersPage";
