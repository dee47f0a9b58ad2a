import type { ReactElement } from "react";
import { useCan } from "@/lib/permissions";
import { NotFoundPage } from "./NotFoundPage";

/**
 * A screen this user's roles may not open answers « Page introuvable », as the API answers 404
 * rather than 403: typing the address reveals nothing more than the navigation does.
 */
export function RequirePermission({ permission, element }: { permission: string; element: ReactElement }) {
  const can = useCan();
  return can(permission) ? element : <NotFoundPage />;
}
