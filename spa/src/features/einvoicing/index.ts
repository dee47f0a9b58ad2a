// The feature's public surface: app/ composes these, nothing reaches into the folder. The
// e-invoicing screens live here (a client's tab, the bulk activation); the flows follow.
export { BulkActivationForm, BulkActivationProgress } from "./components/BulkActivation";
export { ClientEinvoicingPanel } from "./components/ClientEinvoicingPanel";
export { einvoicingText } from "./text";
