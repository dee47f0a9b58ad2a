import { useMutation } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { toApiQuery, type ClientListFilters } from "../list-filters";

// The two Excel files are fetched through the client rather than followed as links, so an
// expired access cookie is refreshed and a refusal arrives as a French problem, not a raw page.

// Operation `clients:import_template`.
export function downloadImportTemplate() {
  return unwrap(api.GET("/api/v1/clients/import-template.xlsx", { parseAs: "blob" })).then((blob) =>
    save(blob as Blob, "modele-import-clients.xlsx"),
  );
}

// Operation `clients:export_clients`: exactly the current search, filters and sort.
export function exportClients(filters: ClientListFilters) {
  return unwrap(
    api.GET("/api/v1/clients/export.xlsx", {
      params: { query: toApiQuery(filters) },
      parseAs: "blob",
    }),
  ).then((blob) => save(blob as Blob, `clients-${new Date().toISOString().slice(0, 10)}.xlsx`));
}

function save(blob: Blob, fileName: string): string {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser time to start the download before the object URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return fileName;
}

export const useDownloadImportTemplate = () => useMutation({ mutationFn: downloadImportTemplate });
export const useExportClients = () => useMutation({ mutationFn: exportClients });

// Operation `einvoicing:client_mandate_template`: the client's mandate, prefilled (PDF).
export function downloadMandateTemplate({ clientId, siren }: { clientId: string; siren: string }) {
  return unwrap(
    api.GET("/api/v1/clients/{client_id}/mandate-template.pdf", {
      params: { path: { client_id: clientId } },
      parseAs: "blob",
    }),
  ).then((blob) => save(blob as Blob, `mandat-facturation-electronique-${siren}.pdf`));
}

export const useDownloadMandateTemplate = () => useMutation({ mutationFn: downloadMandateTemplate });
