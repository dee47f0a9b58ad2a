// Dates and amounts as a French accountant reads them. Formatters are built once: Intl
// constructors are costly and lists render hundreds of rows.
const LOCALE = "fr-FR";
// Timestamps are stored in UTC; French firms read them in metropolitan time.
const TIME_ZONE = "Europe/Paris";

const dateFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: "short", timeZone: TIME_ZONE });
const longDateFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: "long", timeZone: TIME_ZONE });
const dateTimeFormat = new Intl.DateTimeFormat(LOCALE, {
  dateStyle: "short",
  timeStyle: "short",
  timeZone: TIME_ZONE,
});
const euroFormat = new Intl.NumberFormat(LOCALE, { style: "currency", currency: "EUR" });

/** `2026-09-01` or an ISO timestamp → `01/09/2026`. */
export function formatDate(value: string | Date): string {
  return dateFormat.format(toDate(value));
}

/** → `1 septembre 2026`. */
export function formatLongDate(value: string | Date): string {
  return longDateFormat.format(toDate(value));
}

/** → `01/09/2026 14:30` (Paris time). */
export function formatDateTime(value: string | Date): string {
  return dateTimeFormat.format(toDate(value));
}

/**
 * The API sends money as decimal strings (`"1234.50"`) so no cent is lost in transit; this is
 * the only place it becomes a number, for display. → `1 234,50 €`.
 */
export function formatAmount(amount: string, currency = "EUR"): string {
  const value = Number(amount);
  if (!Number.isFinite(value)) {
    throw new RangeError(`Montant invalide : ${amount}`);
  }
  const format =
    currency === "EUR"
      ? euroFormat
      : new Intl.NumberFormat(LOCALE, { style: "currency", currency });
  return format.format(value);
}

function toDate(value: string | Date): Date {
  // A bare calendar date is a day, not midnight UTC: read it at noon UTC so no time zone moves
  // it to the previous or next day.
  const date =
    typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)
      ? new Date(`${value}T12:00:00Z`)
      : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new RangeError(`Date invalide : ${String(value)}`);
  }
  return date;
}

const timeFormat = new Intl.DateTimeFormat(LOCALE, { timeStyle: "short", timeZone: TIME_ZONE });

/** → `14:30` (Paris time). */
export function formatTime(value: string | Date): string {
  return timeFormat.format(toDate(value));
}

/**
 * What a French user types in a date field (`01/09/2026`, `1/9/2026`, `01.09.2026`,
 * `01092026`) → the ISO calendar date the API takes (`2026-09-01`); null when it is no real
 * day (`31/02/2026`). Date fields are plain text in jj/mm/aaaa rather than `<input type=date>`,
 * whose format follows the browser's language, not the page's.
 */
export function parseFrenchDate(text: string): string | null {
  const trimmed = text.trim();
  const match = /^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$/.exec(trimmed) ?? /^(\d{2})(\d{2})(\d{4})$/.exec(trimmed);
  if (!match) return null;
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return null;
  }
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** A file's size as a French reader expects it: « 850 o », « 12,5 Ko », « 3,2 Mo ». */
export function formatFileSize(size: number): string {
  if (size < 1024) return `${size} o`;
  if (size < 1024 * 1024) return `${(size / 1024).toLocaleString("fr-FR", { maximumFractionDigits: 1 })} Ko`;
  return `${(size / 1024 / 1024).toLocaleString("fr-FR", { maximumFractionDigits: 1 })} Mo`;
}
