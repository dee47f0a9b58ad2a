import { createBrowserRouter } from "react-router";
import { AccountPage } from "@/features/account";
import { LoginPage } from "@/features/auth";
import { ClientDetailPage, ClientImportPage, ClientsPage } from "@/features/clients";
import { ApprovalPage, EnrollmentPage, MobileActivityPage } from "@/features/companion";
import { StatusPage } from "@/features/health";
import { HomePage } from "./HomePage";
import { NotFoundPage } from "./NotFoundPage";
import { RequireSession } from "./RequireSession";
import { AppShell } from "./shell/AppShell";
import { PublicLayout } from "./shell/PublicLayout";
import { shellText } from "./text";

// Each feature adds its routes here; features never route to one another's internals.
export const router = createBrowserRouter([
  {
    // Open to anyone: signing in, and the enrollment link received by e-mail.
    element: <PublicLayout />,
    children: [
      { path: "connexion", element: <LoginPage /> },
      { path: "enroll", element: <EnrollmentPage /> },
    ],
  },
  {
    // The mobile companion: the phone authenticates with its device key, not with cookies.
    element: <PublicLayout links={[{ to: "/mobile/activite", label: shellText.mobileActivity }]} />,
    children: [
      { path: "qr/v1/:challengeId", element: <ApprovalPage /> },
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
          { path: "compte", element: <AccountPage /> },
          { path: "clients", element: <ClientsPage /> },
          { path: "clients/import", element: <ClientImportPage /> },
          { path: "clients/:clientId/:tab?", element: <ClientDetailPage /> },
          { path: "*", element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
