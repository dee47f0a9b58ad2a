import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { useLocation, useNavigate } from "react-router";
import { saveTourProgress, tourProgressKey, useHelpIndex } from "../api/help";
import { helpText } from "../text";
import type { ActiveTour } from "./HelpLauncher";
import "../help.css";

const TARGET_CLASS = "help-tour-target";
const TARGETS = "h1, h2, h3, button, a, label, legend, th, summary, [role=tab]";

function normal(text: string | null | undefined): string {
  return (text ?? "").replace(/\s+/g, " ").trim().toLowerCase();
}

/** The element of the page whose visible text is `text`, in the page's main content first. */
export function findTarget(text: string, root: ParentNode = document): HTMLElement | null {
  const wanted = normal(text);
  const scopes = [root.querySelector("#contenu"), root].filter((scope): scope is ParentNode => scope !== null);
  for (const scope of scopes) {
    const candidates = Array.from(scope.querySelectorAll<HTMLElement>(TARGETS));
    const exact = candidates.find((element) => normal(element.textContent) === wanted);
    if (exact) return exact;
    const starting = candidates.find((element) => normal(element.textContent).startsWith(wanted));
    if (starting) return starting;
  }
  return null;
}

interface Props {
  tour: ActiveTour;
  signedIn: boolean;
  onEnd: () => void;
}

/**
 * A guided tour over the real screens: each step opens its page, outlines what it talks about
 * and explains it in a small non-modal dialog that takes the keyboard focus (Précédent,
 * Suivant or Terminer, Quitter la visite; Escape quits). Progress is saved for the user.
 */
export default function TourRunner({ tour: active, signedIn, onEnd }: Props) {
  const titleId = useId();
  const bodyId = useId();
  const index = useHelpIndex(null);
  const tour = index.data?.tours.find((candidate) => candidate.id === active.id);
  const [step, setStep] = useState(active.step);
  const [finished, setFinished] = useState(false);
  const dialog = useRef<HTMLDivElement>(null);
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const queryClient = useQueryClient();
  const current = tour?.steps[Math.min(step, tour.steps.length - 1)];

  // Open the step's page.
  useEffect(() => {
    if (current?.route && current.route !== pathname) {
      void navigate(current.route);
    }
    // Only when the step changes: the user may browse elsewhere during a step.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current]);

  // Outline the step's target once the page shows it, and move the focus to the step.
  useEffect(() => {
    dialog.current?.focus();
    if (!current?.target) return;
    let found: HTMLElement | null = null;
    let tries = 0;
    const timer = setInterval(() => {
      found = findTarget(current.target ?? "");
      tries += 1;
      if (found || tries > 40) {
        clearInterval(timer);
        found?.classList.add(TARGET_CLASS);
        found?.scrollIntoView({ block: "center", behavior: "smooth" });
      }
    }, 100);
    return () => {
      clearInterval(timer);
      found?.classList.remove(TARGET_CLASS);
    };
  }, [current, pathname]);

  // Remember where the user is (signed-in users only; the API keeps it per person).
  useEffect(() => {
    if (!signedIn || !tour) return;
    void saveTourProgress(tour.id, step, finished)
      .then(() => queryClient.invalidateQueries({ queryKey: tourProgressKey }))
      .catch(() => undefined);
  }, [signedIn, tour, step, finished, queryClient]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onEnd();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onEnd]);

  if (index.isPending) return null;
  if (!tour || !current) {
    return null;
  }
  const last = step >= tour.steps.length - 1;

  if (finished) {
    return (
      <div ref={dialog} className="help-tour" role="dialog" aria-modal="false" aria-labelledby={titleId} tabIndex={-1}>
        <p id={titleId} className="help-tour__title" role="status">
          {helpText.tourFinished(tour.title)}
        </p>
        <div className="help-tour__actions">
          <button type="button" className="button button--small" onClick={onEnd}>
            {helpText.closeTour}
          </button>
        </div>
      </div>
    );
  }

  return (
    <div
      ref={dialog}
      className="help-tour"
      role="dialog"
      aria-modal="false"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      tabIndex={-1}
      data-testid="help-tour"
    >
      <p className="help-tour__label">{helpText.tourLabel(tour.title)}</p>
      <h2 id={titleId} className="help-tour__title">
        {current.title}
      </h2>
      <p id={bodyId}>{current.body}</p>
      <p className="help-tour__progress">{helpText.tourProgress(step + 1, tour.steps.length)}</p>
      <div className="help-tour__actions">
        <button type="button" className="button button--small" disabled={step === 0} onClick={() => setStep(step - 1)}>
          {helpText.previous}
        </button>
        {last ? (
          <button type="button" className="button button--small button--primary" onClick={() => setFinished(true)}>
            {helpText.finish}
          </button>
        ) : (
          <button type="button" className="button button--small button--primary" onClick={() => setStep(step + 1)}>
            {helpText.next}
          </button>
        )}
        <button type="button" className="button button--small" onClick={onEnd}>
          {helpText.quit}
        </button>
      </div>
    </div>
  );
}
