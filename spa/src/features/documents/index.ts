// The feature's public surface: app/ composes these, nothing reaches into the folder.
import "./documents.css";
export { CompanyDocumentsPage, DocumentsPage } from "./components/DocumentsPage";
