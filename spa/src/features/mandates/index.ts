import "./mandates.css";
// The feature's public surface: app/ composes these, nothing reaches into the folder.
export { ReadinessDashboard } from "./components/ReadinessDashboard";
export { SealCheckPage } from "./components/SealCheckPage";
export { SigningPage } from "./components/SigningPage";
