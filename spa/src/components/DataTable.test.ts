import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DataTable } from "./DataTable";

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
    expect(html).toMatch(/^<div class="table-scroll"><table class="table" data-testid="devices-table">/);
    expect(html).toContain("<tbody><tr><td>Pixel 9</td><td>Révoquer</td></tr></tbody>");
  });
});
