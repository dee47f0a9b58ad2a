// The feature's public surface: app/ composes these, nothing reaches into the folder.
export { RegistrationPage } from "./components/RegistrationPage";
