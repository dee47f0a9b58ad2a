import { useEffect, useId, useRef, useState } from "react";
import { Link, useLocation } from "react-router";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { ApiProblem } from "@/lib/problem";
import { ProblemMessage } from "@/components/ProblemMessage";
import { useHelpIndex, useHelpSearch, useTourProgress, type HelpTour, type TourProgress } from "../api/help";
import { helpText } from "../text";
import type { ActiveTour } from "./HelpLauncher";
import { Segments } from "./Segments";
import { SupportForm } from "./SupportForm";
import "../help.css";

interface Props {
  id: string;
  signedIn: boolean;
  onClose: () => void;
  onStartTour: (tour: ActiveTour) => void;
}

/** The « Assistance » panel: search, this screen's articles and tours, the support contact. */
export default function HelpPanel({ id, signedIn, onClose, onStartTour }: Props) {
  const titleId = useId();
  const searchId = useId();
  const { pathname } = useLocation();
  const [question, setQuestion] = useState("");
  const debounced = useDebouncedValue(question.trim(), 200);
  const index = useHelpIndex(pathname);
  const search = useHelpSearch(debounced);
  const progress = useTourProgress(signedIn);
  const searchInput = useRef<HTMLInputElement>(null);

  useEffect(() => searchInput.current?.focus(), []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onClose();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);

  const searching = debounced.length > 0;
  const hits = search.data?.hits ?? [];

  return (
    <section id={id} className="help-panel" role="dialog" aria-modal="false" aria-labelledby={titleId}>
      <header className="help-panel__header">
        <h2 id={titleId}>{helpText.panelTitle}</h2>
        <button type="button" className="button button--small" onClick={onClose}>
          {helpText.close}
        </button>
      </header>
      <div className="help-panel__body">
        <div className="help-panel__search" role="search">
          <label htmlFor={searchId}>{helpText.searchLabel}</label>
          <input
            ref={searchInput}
            id={searchId}
            type="search"
            value={question}
            placeholder={helpText.searchPlaceholder}
            autoComplete="off"
            onChange={(event) => setQuestion(event.target.value)}
          />
        </div>

        {searching ? (
          <section aria-label={helpText.results(hits.length)}>
            <p className="help-panel__status" role="status">
              {search.isFetching && !search.data ? helpText.searching : helpText.results(hits.length)}
            </p>
            {search.data && hits.length === 0 && <p>{helpText.noResults}</p>}
            <ul className="help-results">
              {hits.map((hit) => (
                <li key={hit.article.slug}>
                  <Link to={`/aide/${hit.article.slug}`} className="help-results__title">
                    <Segments segments={hit.title} />
                  </Link>
                  <p className="help-results__excerpt">
                    <Segments segments={hit.excerpt} />
                  </p>
                </li>
              ))}
            </ul>
          </section>
        ) : (
          <>
            {index.error instanceof ApiProblem && <ProblemMessage problem={index.error} />}
            {index.isPending && <p role="status">{helpText.loading}</p>}
            {index.data && index.data.articles.length > 0 && (
              <section aria-labelledby={`${id}-screen`}>
                <h3 id={`${id}-screen`}>{helpText.forThisScreen}</h3>
                <ul className="help-links">
                  {index.data.articles.slice(0, 6).map((article) => (
                    <li key={article.slug}>
                      <Link to={`/aide/${article.slug}`}>{article.title}</Link>
                    </li>
                  ))}
                </ul>
              </section>
            )}
            <p>
              <Link to="/aide">{helpText.allArticles}</Link>
            </p>
            {index.data && index.data.tours.length > 0 && (
              <section aria-labelledby={`${id}-tours`}>
                <h3 id={`${id}-tours`}>{helpText.tours}</h3>
                <ul className="help-tours">
                  {index.data.tours.map((tour) => (
                    <TourItem
                      key={tour.id}
                      tour={tour}
                      progress={progress.data?.find((row) => row.tour_id === tour.id)}
                      onStart={onStartTour}
                    />
                  ))}
                </ul>
              </section>
            )}
          </>
        )}

        {index.data && <SupportForm contact={index.data.contact} signedIn={signedIn} screen={pathname} />}
      </div>
    </section>
  );
}

function TourItem({
  tour,
  progress,
  onStart,
}: {
  tour: HelpTour;
  progress: TourProgress | undefined;
  onStart: (tour: ActiveTour) => void;
}) {
  const total = tour.steps.length;
  const resumable = progress && !progress.completed && progress.step > 0;
  return (
    <li className="help-tours__item">
      <p className="help-tours__title">{tour.title}</p>
      <p className="help-tours__summary">{tour.summary}</p>
      {progress && (
        <p className="help-tours__progress">
          {progress.completed ? helpText.tourDone : helpText.tourProgress(progress.step + 1, total)}
        </p>
      )}
      <button
        type="button"
        className="button button--small"
        aria-label={`${resumable ? helpText.resumeTour : progress?.completed ? helpText.restartTour : helpText.startTour} : ${tour.title}`}
        onClick={() => onStart({ id: tour.id, step: resumable ? progress.step : 0 })}
      >
        {resumable ? helpText.resumeTour : progress?.completed ? helpText.restartTour : helpText.startTour}
      </button>
    </li>
  );
}
