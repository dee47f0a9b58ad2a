import { componentsText } from "./text";

/** « Charger plus » under a cursor-paginated list (the API's `next_cursor`). */
export function LoadMore({
  hasMore,
  loading,
  onLoadMore,
  shown,
}: {
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
  /** How many rows are on screen, read out to screen readers after each page. */
  shown: number;
}) {
  return (
    <div className="load-more">
      <p className="muted" aria-live="polite">
        {componentsText.shownCount(shown)}
      </p>
      {hasMore && (
        <button type="button" className="button" onClick={onLoadMore} disabled={loading}>
          {loading ? componentsText.loadingMore : componentsText.loadMore}
        </button>
      )}
    </div>
  );
}
