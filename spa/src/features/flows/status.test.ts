import { describe, expect, it } from "vitest";
import { flowStatus } from "./status";

describe("flowStatus", () => {
  it("names the lifecycle status first", () => {
    expect(flowStatus({ ack_status: "Ok", lifecycle_status: 200 })).toEqual({ label: "Déposée", tone: "ok" });
    expect(flowStatus({ ack_status: "Error", lifecycle_status: 213 })).toEqual({ label: "Rejetée", tone: "error" });
  });

  it("names every status routing and the lifecycle reach, never « Accepté » for them", () => {
    expect(flowStatus({ ack_status: "Ok", lifecycle_status: 221 })).toEqual({ label: "Erreur de routage", tone: "error" });
    expect(flowStatus({ ack_status: "Ok", lifecycle_status: 203 })).toEqual({ label: "Mise à disposition", tone: "ok" });
    expect(flowStatus({ ack_status: "Ok", lifecycle_status: 220 }).tone).toBe("error");
    expect(flowStatus({ ack_status: "Ok", lifecycle_status: 299 }).label).toBe("Statut 299");
  });

  it("falls back on the acknowledgement", () => {
    expect(flowStatus({ ack_status: "Pending", lifecycle_status: null }).label).toBe("En cours de contrôle");
    expect(flowStatus({ ack_status: "Error", lifecycle_status: null }).tone).toBe("error");
    expect(flowStatus({ ack_status: "Ok", lifecycle_status: null }).label).toBe("Accepté");
  });
});
