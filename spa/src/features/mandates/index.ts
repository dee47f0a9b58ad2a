import "./mandates.css";
// The feature's public surface: app/ composes these, nothing reaches into the folder.
export { ClientMandatePanel } from "./components/ClientMandatePanel";
export { MandateBulkForm, type MandateBulkAction } from "./components/MandateBulkForm";
export { mandatesText } from "./text";
export { ReadinessDashboard } from "./components/ReadinessDashboard";
export { SealCheckPage } from "./components/SealCheckPage";
export { SigningPage } from "./components/SigningPage";
