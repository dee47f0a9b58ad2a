import { documentsText } from "../text";

/** « Facture électronique » when the API recognised the file (Factur-X, UBL, CII). */
export function EinvoiceBadge({ status, format }: { status: string | null; format: string | null }) {
  if (status === "recognised") {
    const label = format ? documentsText.formats[format] ?? format : null;
    return (
      <span className="doc-badge doc-badge--einvoice" title={label ?? undefined}>
        {documentsText.einvoiceBadge}
        {label && ` · ${label}`}
      </span>
    );
  }
  if (status === "invalid") {
    return <span className="doc-badge doc-badge--invalid">{documentsText.einvoiceInvalid}</span>;
  }
  return null;
}
