/** How a cell shows in a phone's card (see `.table--stack` in app/styles.css). */
export type CellKind = "primary" | "select" | "actions" | "data";

export interface ColumnLabel {
  /** Shown beside the cell on a phone; empty for the title, a checkbox or buttons. */
  label: string;
  kind: CellKind;
}

/** The little of a table row this needs (an `HTMLTableRowElement`, or a plain object in tests). */
interface Row {
  cells: ArrayLike<{ colSpan: number; dataset: Record<string, string | undefined> }>;
}

/**
 * Writes `data-label` and `data-cell` on every cell from its column, counting spanned columns.
 * A cell spanning several columns (a message across the row) gets no label. Attributes are only
 * written when they change, so running it on every mutation of the body settles at once.
 */
export function labelCells(rows: ArrayLike<Row>, columns: readonly ColumnLabel[]): void {
  for (const row of Array.from(rows)) {
    let column = 0;
    for (const cell of Array.from(row.cells)) {
      const spansSeveral = cell.colSpan > 1;
      const { label, kind } = spansSeveral ? { label: "", kind: "data" as const } : (columns[column] ?? { label: "", kind: "data" as const });
      if (cell.dataset["label"] !== label) cell.dataset["label"] = label;
      if (cell.dataset["cell"] !== kind) cell.dataset["cell"] = kind;
      column += Math.max(1, cell.colSpan);
    }
  }
}
