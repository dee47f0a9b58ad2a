import { useMutation } from "@/lib/mutation";
import type { components, paths } from "@/api/schema";
import { uploadWithProgress } from "@/api/upload-with-progress";

export type ImportReport = components["schemas"]["ImportReport"];

const UPLOAD_PATH = "/api/v1/clients/imports" satisfies keyof paths;
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/**
 * Operation `clients:upload_import`: the raw .xlsx as the body, answered by the dry-run report.
 * With upload progress, since a firm's file can take a while.
 */
export async function uploadImport(file: File, onProgress: (fraction: number) => void): Promise<ImportReport> {
  return uploadWithProgress<ImportReport>({
    url: `${UPLOAD_PATH}?${new URLSearchParams({ file_name: file.name })}`,
    file,
    contentType: XLSX_TYPE,
    onProgress,
  });
}

export function useUploadImport(onProgress: (fraction: number) => void) {
  return useMutation({ mutationFn: (file: File) => uploadImport(file, onProgress) });
}
