import { describe, expect, it } from "vitest";
import { redeemMessage } from "./protocol";

describe("redeemMessage", () => {
  it("is the string api/auth/protocol.py verifies", () => {
    expect(redeemMessage({ audience: "https://comptoir.test", challengeId: "c-1", serverNonce: "sn" })).toBe(
      "comptoir-redeem-v1\naud=https://comptoir.test\nchallenge=c-1\nnonce=sn",
    );
  });
});
