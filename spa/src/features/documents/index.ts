// The feature's public surface: app/ composes these, nothing reaches into the folder.
import "./documents.css";
export { DocumentsPage } from "./components/DocumentsPage";
