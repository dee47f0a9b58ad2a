import { describe, expect, it } from "vitest";
import { contactBody } from "./contact";

describe("a client's contact sent to the API", () => {
  it("trims what was typed", () => {
    expect(contactBody({ first: " Lucie ", last: "Leroy ", email: " lucie@boulangerie-leroy.example" })).toEqual({
      contact_first_name: "Lucie",
      contact_last_name: "Leroy",
      contact_email: "lucie@boulangerie-leroy.example",
    });
  });

  it("sends a blank field as none, so the API clears it", () => {
    expect(contactBody({ first: "", last: "  ", email: "" })).toEqual({
      contact_first_name: null,
      contact_last_name: null,
      contact_email: null,
    });
  });
});
