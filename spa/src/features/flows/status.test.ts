import { describe, expect, it } from "vitest";
import { flowStatus } from "./status";

// As GET /api/v1/invoices/catalogue names them (the badge has no table of its own).
const labels = new Map([
  [200, "Déposée"],
  [203, "Mise à disposition"],
  [213, "Rejetée"],
  [220, "Annulée"],
  [221, "Erreur de routage"],
]);

describe("flowStatus", () => {
  it("names the lifecycle status first, as the API's catalogue does", () => {
    expect(flowStatus({ ack_status: "Ok", lifecycle_status: 200 }, labels)).toEqual({ label: "Déposée", tone: "ok" });
    expect(flowStatus({ ack_status: "Error", lifecycle_status: 213 }, labels)).toEqual({
      label: "Rejetée",
      tone: "error",
    });
  });

  it("names every status routing and the lifecycle reach, never « Accepté » for them", () => {
    expect(flowStatus({ ack_status: "Ok", lifecycle_status: 221 }, labels)).toEqual({
      label: "Erreur de routage",
      tone: "error",
    });
    expect(flowStatus({ ack_status: "Ok", lifecycle_status: 203 }, labels)).toEqual({
      label: "Mise à disposition",
      tone: "ok",
    });
    expect(flowStatus({ ack_status: "Ok", lifecycle_status: 220 }, labels).tone).toBe("error");
    expect(flowStatus({ ack_status: "Ok", lifecycle_status: 299 }, labels).label).toBe("Statut 299");
  });

  it("shows the code while the catalogue is on its way", () => {
    expect(flowStatus({ ack_status: "Ok", lifecycle_status: 203 }, undefined).label).toBe("Statut 203");
  });

  it("falls back on the acknowledgement", () => {
    expect(flowStatus({ ack_status: "Pending", lifecycle_status: null }, labels).label).toBe("En cours de contrôle");
    expect(flowStatus({ ack_status: "Error", lifecycle_status: null }, labels).tone).toBe("error");
    expect(flowStatus({ ack_status: "Ok", lifecycle_status: null }, labels).label).toBe("Accepté");
  });
});
