// The feature's public surface: app/ composes these, nothing reaches into the folder.
import "./flows.css";
export { FlowsPanel } from "./components/FlowsPanel";
