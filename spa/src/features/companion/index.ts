// The feature's public surface: app/ composes these, nothing reaches into the folder.
import "./companion.css";
export { ApprovalPage } from "./components/ApprovalPage";
export { EnrollmentPage } from "./components/EnrollmentPage";
export { MandateApprovalPage } from "./components/MandateApprovalPage";
export { MobileActivityPage } from "./components/MobileActivityPage";
export { MobileUploadPage } from "./components/MobileUploadPage";
export { companionText } from "./text";
