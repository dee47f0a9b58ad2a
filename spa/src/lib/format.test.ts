import { describe, expect, it } from "vitest";
import { formatAmount, formatDate, formatDateTime, formatLongDate, parseFrenchDate } from "./format";

// Intl uses narrow no-break spaces (U+202F) as French thousands separators and a no-break space
// (U+00A0) before the euro sign; normalise them so the expectations stay readable.
const spaces = (text: string) => text.replace(/[\u202f\u00a0]/g, " ");

describe("fr-FR formatting", () => {
  it("formats a calendar date without shifting the day", () => {
    expect(formatDate("2026-09-01")).toBe("01/09/2026");
    expect(formatLongDate("2026-09-01")).toBe("1 septembre 2026");
  });

  it("formats a UTC timestamp in Paris time", () => {
    expect(formatDateTime("2026-11-27T23:30:00Z")).toBe("28/11/2026 00:30");
  });

  it("formats a decimal string amount in euros", () => {
    expect(spaces(formatAmount("1234.5"))).toBe("1 234,50 €");
    expect(spaces(formatAmount("-0.99"))).toBe("-0,99 €");
  });

  it("refuses what is not an amount or a date", () => {
    expect(() => formatAmount("douze")).toThrow(RangeError);
    expect(() => formatDate("pas une date")).toThrow(RangeError);
  });
});

describe("dates typed as jj/mm/aaaa", () => {
  it("reads the ways a French user types a day", () => {
    expect(parseFrenchDate("01/09/2026")).toBe("2026-09-01");
    expect(parseFrenchDate(" 1/9/2026 ")).toBe("2026-09-01");
    expect(parseFrenchDate("01.09.2026")).toBe("2026-09-01");
    expect(parseFrenchDate("01092026")).toBe("2026-09-01");
  });

  it("round-trips with the display format", () => {
    expect(formatDate(parseFrenchDate("29/02/2028") ?? "")).toBe("29/02/2028");
  });

  it("refuses what is no real day, or the ISO and American orders", () => {
    expect(parseFrenchDate("31/02/2026")).toBeNull();
    expect(parseFrenchDate("13/13/2026")).toBeNull();
    expect(parseFrenchDate("2026-09-01")).toBeNull();
    expect(parseFrenchDate("09/01/26")).toBeNull();
    expect(parseFrenchDate("")).toBeNull();
  });
});
