import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { cellLabels, DataTable } from "./DataTable";
import { labelCells } from "./table-cells";

// Unit tests run on Node, without a DOM: the markup is rendered to a string, as a screen reader
// would get it from the page.
describe("DataTable", () => {
  const row = createElement("tr", null, createElement("td", null, "Pixel 9"), createElement("td", null, "Révoquer"));
  const html = renderToStaticMarkup(
    createElement(DataTable, {
      caption: "Appareils enrôlés",
      columns: ["Nom", "Actions"],
      "data-testid": "devices-table",
      children: row,
    }),
  );

  it("names the table for screen readers and gives each column a header", () => {
    expect(html).toContain('<caption class="visually-hidden">Appareils enrôlés</caption>');
    expect(html).toContain('<thead><tr><th scope="col">Nom</th><th scope="col">Actions</th></tr></thead>');
  });

  it("puts the caller's rows in the body, and scrolls sideways rather than widening the page", () => {
    expect(html).toMatch(/^<div class="table-scroll"><table class="table table--stack" data-testid="devices-table">/);
    expect(html).toContain("<tbody><tr><td>Pixel 9</td><td>Révoquer</td></tr></tbody>");
  });
});

describe("a phone's card labels", () => {
  it("labels each column by its name, the title and the checkbox without one", () => {
    expect(
      cellLabels([
        { label: "Sélectionner", kind: "select" },
        { label: "Raison sociale" },
        { label: "SIREN" },
        { label: "Actions", kind: "actions" },
      ]),
    ).toEqual([
      { label: "", kind: "select" },
      { label: "", kind: "primary" },
      { label: "SIREN", kind: "data" },
      { label: "", kind: "actions" },
    ]);
  });

  it("takes the column named primary as the title, wherever it is", () => {
    expect(cellLabels([{ label: "Date" }, { label: "Fichier", kind: "primary" }]).map((column) => column.kind)).toEqual([
      "data",
      "primary",
    ]);
  });

  it("writes them on the cells, counting spanned columns, and a spanning cell gets none", () => {
    const cell = (colSpan = 1) => ({ colSpan, dataset: {} as Record<string, string | undefined> });
    const rows = [{ cells: [cell(), cell(), cell()] }, { cells: [cell(2), cell()] }, { cells: [cell(3)] }];
    labelCells(rows, cellLabels([{ label: "Nom" }, { label: "Ville" }, { label: "Statut" }]));

    expect(rows[0]!.cells.map((one) => one.dataset)).toEqual([
      { label: "", cell: "primary" },
      { label: "Ville", cell: "data" },
      { label: "Statut", cell: "data" },
    ]);
    expect(rows[1]!.cells.map((one) => one.dataset["label"])).toEqual(["", "Statut"]);
    expect(rows[2]!.cells[0]!.dataset).toEqual({ label: "", cell: "data" });
  });
});
