import type { ReactNode } from "react";

/**
 * A table of records: it scrolls sideways on a narrow screen instead of widening the page, its
 * caption names it for screen readers, and each column has a header. The caller renders the rows.
 */
export function DataTable({
  caption,
  columns,
  children,
  "data-testid": testId,
}: {
  caption: string;
  /** The column headers, in order; each names its column, so none repeats. */
  columns: readonly string[];
  /** The `<tr>` rows. */
  children: ReactNode;
  "data-testid"?: string;
}) {
  return (
    <div className="table-scroll">
      <table className="table" data-testid={testId}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
