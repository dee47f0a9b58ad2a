import { createBrowserRouter, Navigate } from "react-router";
import { StatusPage } from "@/features/health";
import { NotFoundPage } from "./NotFoundPage";
import { AppShell } from "./shell/AppShell";

// Each feature adds its routes here; features never route to one another's internals.
export const router = createBrowserRouter([
  {
    element: <AppShell />,
    children: [
      { index: true, element: <Navigate to="/statut" replace /> },
      { path: "statut", element: <StatusPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);
