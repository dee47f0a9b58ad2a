// The feature's public surface: app/ composes these, nothing reaches into the folder.
import "./clients.css";
export { ClientsPage } from "./components/ClientsPage";
export { ClientDetailPage } from "./components/ClientDetailPage";
export { ImportPage as ClientImportPage } from "./components/ImportPage";
