import { describe, expect, it } from "vitest";
import { BULK_BATCH, inBatches } from "./api/bulk";
import { clientStage } from "./components/Badges";

describe("bulk actions on every client of the filter", () => {
  it("sends more clients than one call takes in batches, and joins the results in order", async () => {
    const ids = Array.from({ length: BULK_BATCH * 2 + 15 }, (_, index) => `client-${index}`);
    const batches: number[] = [];
    const { results } = await inBatches(ids, (batch) => {
      batches.push(batch.length);
      return Promise.resolve({ results: batch.map((clientId) => ({ id: clientId, ok: true })) });
    });
    expect(batches).toEqual([BULK_BATCH, BULK_BATCH, 15]);
    expect(results.map((result) => result.id)).toEqual(ids);
  });
});

describe("a client's stage", () => {
  it("says « à inviter » before any invitation and « invitation envoyée » after", () => {
    expect(clientStage("invited", "not_sent")).toBe("to_invite");
    expect(clientStage("invited", "sent")).toBe("sent");
    expect(clientStage("invited", "expired")).toBe("expired");
    expect(clientStage("active", "accepted")).toBe("active");
  });
});
