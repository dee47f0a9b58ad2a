import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type Certification = components["schemas"]["CertificationOut"];

// Operation `einvoicing:get_certification`: the exact sentence to show, sent back word for word.
export function getCertification(signal?: AbortSignal) {
  return unwrap(api.GET("/api/v1/einvoicing/certification", { signal: signal ?? null }));
}

export function useCertification(enabled = true) {
  return useQuery({
    queryKey: ["einvoicing", "certification"],
    queryFn: ({ signal }) => getCertification(signal),
    staleTime: 5 * 60_000,
    enabled,
  });
}

/** The three certification fields every activation sends, once the box is ticked. */
export function certificationBody(certification: Certification) {
  return {
    certified: true,
    certification_text: certification.text,
    certification_version: certification.version,
  } as const;
}
