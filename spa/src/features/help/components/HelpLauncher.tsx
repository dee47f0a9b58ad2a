import { lazy, Suspense, useCallback, useEffect, useId, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { launcherText } from "../launcher-text";
import "../launcher.css";

// The panel, the tours and their styles are their own chunks: the button alone is in the
// application's main bundle, the rest loads on the first click (issue 21, « Performance »).
const HelpPanel = lazy(() => import("./HelpPanel"));
const TourRunner = lazy(() => import("./TourRunner"));

export interface ActiveTour {
  id: string;
  step: number;
}

/** Query parameter that starts a guided tour (`/clients?visite=import-clients`): an empty list
 * links to it without importing this feature. */
export const TOUR_PARAMETER = "visite";

/**
 * « Assistance »: the button at the bottom right of every page, its panel (search, the
 * articles and tours of this screen, the support contact) and the guided tour in progress.
 */
export function HelpLauncher({ signedIn }: { signedIn: boolean }) {
  const [open, setOpen] = useState(false);
  const [tour, setTour] = useState<ActiveTour | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const [params, setParams] = useSearchParams();
  const requestedTour = params.get(TOUR_PARAMETER);

  // A tour asked by the address starts once per request (adjusting state while rendering).
  const [startedFrom, setStartedFrom] = useState<string | null>(null);
  if (requestedTour !== startedFrom) {
    setStartedFrom(requestedTour);
    if (requestedTour) {
      setTour({ id: requestedTour, step: 0 });
      setOpen(false);
    }
  }
  // Then the parameter leaves the address, so going back does not start it again.
  useEffect(() => {
    if (!requestedTour) return;
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete(TOUR_PARAMETER);
        return next;
      },
      { replace: true },
    );
  }, [requestedTour, setParams]);

  const close = useCallback(() => {
    setOpen(false);
    button.current?.focus();
  }, []);

  const startTour = useCallback((next: ActiveTour) => {
    setOpen(false);
    setTour(next);
  }, []);

  return (
    <>
      <button
        ref={button}
        type="button"
        className="help-launcher"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-label={launcherText.launcherLabel}
        data-testid="help-launcher"
        onClick={() => (open ? close() : setOpen(true))}
      >
        <span aria-hidden="true" className="help-launcher__icon">
          ?
        </span>
        {launcherText.launcher}
      </button>
      {open && (
        <Suspense
          fallback={
            <p className="help-launcher__loading" role="status">
              {launcherText.loading}
            </p>
          }
        >
          <HelpPanel id={panelId} signedIn={signedIn} onClose={close} onStartTour={startTour} />
        </Suspense>
      )}
      {tour && (
        <Suspense fallback={null}>
          <TourRunner key={tour.id} tour={tour} signedIn={signedIn} onEnd={() => setTour(null)} />
        </Suspense>
      )}
    </>
  );
}
