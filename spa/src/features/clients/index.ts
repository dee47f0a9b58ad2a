// The feature's public surface: app/ composes these, nothing reaches into the folder.
import "./clients.css";
export { ClientsPage } from "./components/ClientsPage";
export { ClientDetailPage, type ClientTab } from "./components/detail/ClientDetailPage";
export type { ClientsBulkAction } from "./components/BulkActions";
export { ImportPage as ClientImportPage } from "./components/ImportPage";
