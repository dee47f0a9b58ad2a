import { useEffect, useId, type MouseEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiProblem } from "@/lib/problem";
import { ProblemMessage } from "@/components/ProblemMessage";
import { useGiveFeedback, useHelpArticle, useHelpArticles, useMyFeedback, useSignedIn } from "../api/help";
import { helpText } from "../text";
import { HelpLauncher } from "./HelpLauncher";
import "../help.css";

/**
 * The help centre's pages, open to anyone (the login page links here): `/aide` lists every
 * article by category, `/aide/<slug>` shows one, printable, with its related articles and
 * « Cet article vous a-t-il aidé ? » for signed-in readers.
 */
export default function HelpCentrePage() {
  const { slug } = useParams();
  const { signedIn } = useSignedIn();
  return (
    <div className="public help-centre">
      <a className="skip-link" href="#contenu">
        {helpText.skipToContent}
      </a>
      <header className="public__header help-centre__header">
        <Link to="/" className="shell__product">
          {helpText.productName}
        </Link>
        <nav aria-label={helpText.helpHome}>
          <ul className="public__links">
            <li>
              <Link to="/aide">{helpText.helpHome}</Link>
            </li>
            <li>
              <Link to="/">{helpText.backToApp}</Link>
            </li>
          </ul>
        </nav>
      </header>
      <main id="contenu" className="public__main help-centre__main" tabIndex={-1}>
        {slug ? <Article slug={slug} signedIn={signedIn} /> : <ArticleIndex />}
      </main>
      <HelpLauncher signedIn={signedIn} />
    </div>
  );
}

function ArticleIndex() {
  const articles = useHelpArticles();
  useEffect(() => {
    document.title = `${helpText.helpHome} — Comptoir`;
  }, []);
  const categories = new Map<string, NonNullable<typeof articles.data>>();
  for (const article of articles.data ?? []) {
    categories.set(article.category, [...(categories.get(article.category) ?? []), article]);
  }
  return (
    <>
      <h1>{helpText.helpHome}</h1>
      {articles.error instanceof ApiProblem && <ProblemMessage problem={articles.error} />}
      {articles.isPending && <p role="status">{helpText.loading}</p>}
      {[...categories.entries()].map(([category, list]) => (
        <section key={category} className="help-centre__category">
          <h2>{category}</h2>
          <ul className="help-links">
            {list.map((article) => (
              <li key={article.slug}>
                <Link to={`/aide/${article.slug}`}>{article.title}</Link>
                <span className="muted"> — {article.summary}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

function Article({ slug, signedIn }: { slug: string; signedIn: boolean }) {
  const article = useHelpArticle(slug);
  const navigate = useNavigate();
  useEffect(() => {
    if (article.data) document.title = `${article.data.title} — Comptoir`;
  }, [article.data]);

  // Links between articles stay in the application (no full page load).
  const followLinks = (event: MouseEvent<HTMLDivElement>) => {
    const anchor = (event.target as HTMLElement).closest("a");
    const href = anchor?.getAttribute("href");
    if (href?.startsWith("/") && !event.metaKey && !event.ctrlKey) {
      event.preventDefault();
      void navigate(href);
    }
  };

  if (article.error instanceof ApiProblem && article.error.status === 404) {
    return (
      <>
        <h1>{helpText.articleNotFound}</h1>
        <p>
          <Link to="/aide">{helpText.allArticles}</Link>
        </p>
      </>
    );
  }
  if (article.error instanceof ApiProblem) return <ProblemMessage problem={article.error} />;
  if (!article.data) return <p role="status">{helpText.loading}</p>;
  const { data } = article;
  return (
    <article className="help-article" data-testid="help-article">
      <p className="help-article__category">
        {helpText.category} : {data.category}
      </p>
      {/* The article's own Markdown, rendered by the API without raw HTML (api/help/knowledge.py). */}
      {/* eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-static-element-interactions */}
      <div className="help-article__body" onClick={followLinks} dangerouslySetInnerHTML={{ __html: data.html }} />
      <p className="help-article__print">
        <button type="button" className="button button--small" onClick={() => window.print()}>
          {helpText.print}
        </button>
      </p>
      <Feedback slug={slug} signedIn={signedIn} />
      {data.related.length > 0 && (
        <nav className="help-article__related" aria-label={helpText.related}>
          <h2>{helpText.related}</h2>
          <ul className="help-links">
            {data.related.map((related) => (
              <li key={related.slug}>
                <Link to={`/aide/${related.slug}`}>{related.title}</Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
    </article>
  );
}

function Feedback({ slug, signedIn }: { slug: string; signedIn: boolean }) {
  const headingId = useId();
  const mine = useMyFeedback(slug, signedIn);
  const give = useGiveFeedback(slug);
  const answer = mine.data?.helpful;
  return (
    <section className="help-feedback" aria-labelledby={headingId}>
      <h2 id={headingId}>{helpText.feedbackQuestion}</h2>
      {!signedIn ? (
        <p className="muted">{helpText.feedbackSignedOut}</p>
      ) : (
        <>
          <div className="help-feedback__choices">
            {[true, false].map((helpful) => (
              <button
                key={String(helpful)}
                type="button"
                className={answer === helpful ? "button button--small button--primary" : "button button--small"}
                aria-pressed={answer === helpful}
                disabled={give.isPending}
                onClick={() => give.mutate(helpful)}
              >
                {helpful ? helpText.yes : helpText.no}
              </button>
            ))}
          </div>
          {answer !== undefined && (
            <p role="status" className="muted">
              {helpText.feedbackThanks}
            </p>
          )}
          {give.error instanceof ApiProblem && <ProblemMessage problem={give.error} />}
        </>
      )}
    </section>
  );
}
