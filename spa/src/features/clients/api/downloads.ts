import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { saveFile } from "@/lib/save-file";
import { toApiQuery, type ClientListFilters } from "../list-filters";

// Operation `clients:import_template`.
export function downloadImportTemplate() {
  return unwrap(api.GET("/api/v1/clients/import-template.xlsx", { parseAs: "blob" })).then((blob) =>
    saveFile(blob as Blob, "modele-import-clients.xlsx"),
  );
}

// Operation `clients:export_clients`: exactly the current search, filters and sort.
export function exportClients(filters: ClientListFilters) {
  return unwrap(
    api.GET("/api/v1/clients/export.xlsx", {
      params: { query: toApiQuery(filters) },
      parseAs: "blob",
    }),
  ).then((blob) => saveFile(blob as Blob, `clients-${new Date().toISOString().slice(0, 10)}.xlsx`));
}

export const useDownloadImportTemplate = () => useMutation({ mutationFn: downloadImportTemplate });
export const useExportClients = () => useMutation({ mutationFn: exportClients });
