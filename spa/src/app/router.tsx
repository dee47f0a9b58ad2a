import { createBrowserRouter } from "react-router";
import { AccountPage } from "@/features/account";
import { AuditPage } from "@/features/audit";
import { LoginPage } from "@/features/auth";
import { ClientImportPage } from "@/features/clients";
import {
  ApprovalPage,
  EnrollmentPage,
  MandateApprovalPage,
  MobileActivityPage,
  MobileUploadPage,
} from "@/features/companion";
import { CompanyDocumentsPage, DocumentsPage } from "@/features/documents";
import { ExtensionsPage } from "@/features/extensions";
import { FlowsPanel } from "@/features/flows";
import { HelpCentreRoute } from "@/features/help";
import { InvoicesPanel } from "@/features/invoices";
import { StatusPage } from "@/features/health";
import { SealCheckPage, SigningPage } from "@/features/mandates";
import { MembersPage } from "@/features/members";
import { RegistrationPage } from "@/features/registration";
import { ClientDetailScreen, ClientsScreen } from "./ClientScreens";
import { HomePage } from "./HomePage";
import { NotFoundPage } from "./NotFoundPage";
import { RequirePermission } from "./RequirePermission";
import { RequireSession } from "./RequireSession";
import { AppShell } from "./shell/AppShell";
import { WorkspaceScreen } from "./WorkspaceScreen";
import { PublicLayout } from "./shell/PublicLayout";
import { shellText } from "./text";

// Each feature adds its routes here; features never route to one another's internals.
export const router = createBrowserRouter([
  // The help centre's articles (« Assistance »): open to anyone, signed in or not.
  { path: "aide", element: <HelpCentreRoute /> },
  { path: "aide/:slug", element: <HelpCentreRoute /> },
  {
    // Open to anyone: signing in, and the enrollment link received by e-mail.
    element: <PublicLayout />,
    children: [
      { path: "connexion", element: <LoginPage /> },
      { path: "enroll", element: <EnrollmentPage /> },
      // Where the firm registration's SSO callback leads (docs/registration.md).
      { path: "inscription", element: <RegistrationPage /> },
      // The mandate signature link mailed to a client's representative (no account).
      { path: "mandat", element: <SigningPage /> },
    ],
  },
  {
    // The mobile companion: the phone authenticates with its device key, not with cookies.
    element: (
      <PublicLayout
        links={[
          { to: "/mobile/deposer", label: shellText.mobileUpload },
          { to: "/mobile/activite", label: shellText.mobileActivity },
        ]}
      />
    ),
    children: [
      { path: "qr/v1/:challengeId", element: <ApprovalPage /> },
      // The signing page's QR code: the representative's phone approves signing a mandate.
      { path: "qr/v1/mandat/:approvalId", element: <MandateApprovalPage /> },
      { path: "mobile/deposer", element: <MobileUploadPage /> },
      { path: "mobile/activite", element: <MobileActivityPage /> },
    ],
  },
  {
    element: <RequireSession />,
    children: [
      {
        element: <AppShell />,
        children: [
          { index: true, element: <HomePage /> },
          { path: "statut", element: <StatusPage /> },
          {
            path: "mandats/verification",
            element: (
              <RequirePermission permission="einvoicing:manage" workspace="firm" element={<SealCheckPage />} />
            ),
          },
          { path: "compte", element: <AccountPage /> },
          {
            path: "utilisateurs",
            element: <RequirePermission permission={"members:read"} workspace="firm" element={<MembersPage />} />,
          },
          {
            path: "extensions",
            element: (
              <RequirePermission permission={"extensions:manage"} workspace="firm" element={<ExtensionsPage />} />
            ),
          },
          {
            path: "journal",
            element: <RequirePermission permission={"audit:read"} workspace="firm" element={<AuditPage />} />,
          },
          {
            path: "clients",
            element: <RequirePermission permission={"clients:read"} workspace="firm" element={<ClientsScreen />} />,
          },
          {
            path: "clients/import",
            element: (
              <RequirePermission permission={"clients:read"} workspace="firm" element={<ClientImportPage />} />
            ),
          },
          {
            path: "clients/:clientId/:tab?",
            element: (
              <RequirePermission permission={"clients:read"} workspace="firm" element={<ClientDetailScreen />} />
            ),
          },
          {
            // The same address in both spaces: a firm's cross-client list, a company's own space.
            path: "documents",
            element: (
              <RequirePermission
                permission="documents:read"
                element={
                  <WorkspaceScreen
                    firm={<DocumentsPage flows={(clientId) => <FlowsPanel clientId={clientId} />} />}
                    company={<CompanyDocumentsPage flows={() => <FlowsPanel />} />}
                  />
                }
              />
            ),
          },
          // « Factures reçues » / « Factures émises »: across clients in a firm, its own in a company.
          {
            path: "factures/recues",
            element: <RequirePermission permission="documents:read" element={<InvoicesPanel direction="received" page />} />,
          },
          {
            path: "factures/emises",
            element: <RequirePermission permission="documents:read" element={<InvoicesPanel direction="issued" page />} />,
          },
          { path: "*", element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
