import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { saveFile } from "@/lib/save-file";

// Operation `einvoicing:client_mandate_template`: the client's mandate, prefilled (PDF).
export function downloadMandateTemplate({ clientId, siren }: { clientId: string; siren: string }) {
  return unwrap(
    api.GET("/api/v1/clients/{client_id}/mandate-template.pdf", {
      params: { path: { client_id: clientId } },
      parseAs: "blob",
    }),
  ).then((blob) => saveFile(blob as Blob, `mandat-facturation-electronique-${siren}.pdf`));
}

export const useDownloadMandateTemplate = () => useMutation({ mutationFn: downloadMandateTemplate });
