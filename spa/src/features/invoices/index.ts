// The feature's public surface: app/ composes these, nothing reaches into the folder.
import "./invoices.css";
export { InvoicesPanel } from "./components/InvoicesPanel";
export { invoicesText } from "./text";
