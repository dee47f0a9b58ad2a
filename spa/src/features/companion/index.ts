// The feature's public surface: app/ composes these, nothing reaches into the folder.
export { ApprovalPage } from "./components/ApprovalPage";
export { EnrollmentPage } from "./components/EnrollmentPage";
export { MobileActivityPage } from "./components/MobileActivityPage";
export { companionText } from "./text";
