// The feature's public surface: app/ composes these, nothing reaches into the folder.
export { HelpLauncher, TOUR_PARAMETER } from "./components/HelpLauncher";
export { HelpCentreRoute } from "./components/HelpCentreRoute";
