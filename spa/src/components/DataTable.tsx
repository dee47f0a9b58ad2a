import { useLayoutEffect, useRef, type AriaAttributes, type ReactNode } from "react";
import { labelCells, type CellKind, type ColumnLabel } from "./table-cells";

/** A column: its name (the header, and the label a phone shows beside each of its cells). */
export interface Column {
  label: string;
  /** What the header shows, when it is more than the label (a sort button, a checkbox). */
  header?: ReactNode;
  /** `select`: a row's checkbox, in the card's corner on a phone; `primary`: the card's title
   * (by default the first column that is not `select`); `actions`: buttons, without a label. */
  kind?: CellKind;
  className?: string;
  "aria-sort"?: AriaAttributes["aria-sort"];
}

/**
 * The SPA's one table of records. On a laptop it scrolls sideways inside its own frame rather
 * than widening the page; on a phone (≤ 48rem) each row becomes a card: the primary cell as
 * its title, every other cell under its column's label. The labels are written on the cells
 * here, from `columns`, so a caller only renders its `<tr>` rows (an ESLint rule keeps every
 * table of the SPA on this component).
 */
export function DataTable({
  caption,
  columns,
  children,
  className,
  busy,
  "data-testid": testId,
}: {
  caption: string;
  /** The columns, in order; each names its column, so none repeats. */
  columns: readonly (string | Column)[];
  /** The `<tr>` rows. */
  children: ReactNode;
  className?: string;
  /** The rows are being replaced (a new filter, a new sort). */
  busy?: boolean;
  "data-testid"?: string;
}) {
  const specs = columns.map((column) => (typeof column === "string" ? { label: column } : column));
  const body = useRef<HTMLTableSectionElement>(null);
  const labels = cellLabels(specs);
  const signature = JSON.stringify(labels);

  // Rows come and go without this component rendering again (a row of its own state, « Charger
  // plus »): every change of the body's children labels the new cells too.
  useLayoutEffect(() => {
    const tbody = body.current;
    if (!tbody) return;
    const columnLabels = JSON.parse(signature) as ColumnLabel[];
    labelCells(tbody.rows, columnLabels);
    const observer = new MutationObserver(() => labelCells(tbody.rows, columnLabels));
    observer.observe(tbody, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [signature]);

  return (
    <div className="table-scroll" aria-busy={busy}>
      <table className={className ? `table table--stack ${className}` : "table table--stack"} data-testid={testId}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {specs.map((column) => (
              <th key={column.label} scope="col" className={column.className} aria-sort={column["aria-sort"]}>
                {column.header ?? column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody ref={body}>{children}</tbody>
      </table>
    </div>
  );
}

/** What each column writes on its cells: its label (none for the title, a checkbox or buttons). */
export function cellLabels(columns: readonly { label: string; kind?: CellKind }[]): ColumnLabel[] {
  const primary = columns.findIndex((column) => column.kind === "primary");
  const firstData = primary >= 0 ? primary : columns.findIndex((column) => column.kind !== "select");
  return columns.map((column, index) => {
    const kind: CellKind = index === firstData ? "primary" : (column.kind ?? "data");
    return { label: kind === "data" ? column.label : "", kind };
  });
}
