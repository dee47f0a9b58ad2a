import { describe, expect, it } from "vitest";
import { flowStatus } from "./status";

describe("flowStatus", () => {
  it("names the lifecycle status first", () => {
    expect(flowStatus({ ack_status: "Ok", lifecycle_status: 200 })).toEqual({ label: "Déposée", tone: "ok" });
    expect(flowStatus({ ack_status: "Error", lifecycle_status: 213 })).toEqual({ label: "Rejetée", tone: "error" });
  });

  it("falls back on the acknowledgement", () => {
    expect(flowStatus({ ack_status: "Pending", lifecycle_status: null }).label).toBe("En cours de contrôle");
    expect(flowStatus({ ack_status: "Error", lifecycle_status: null }).tone).toBe("error");
    expect(flowStatus({ ack_status: "Ok", lifecycle_status: null }).label).toBe("Accepté");
  });
});
