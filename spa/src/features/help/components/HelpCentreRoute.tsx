import { lazy, Suspense } from "react";
import { launcherText } from "../launcher-text";

// The articles' pages are a chunk of their own, loaded when one is opened.
const HelpCentrePage = lazy(() => import("./ArticlePage"));

/** The element of the `/aide` and `/aide/:slug` routes. */
export function HelpCentreRoute() {
  return (
    <Suspense
      fallback={
        <p className="page-loading" role="status">
          {launcherText.loading}
        </p>
      }
    >
      <HelpCentrePage />
    </Suspense>
  );
}
