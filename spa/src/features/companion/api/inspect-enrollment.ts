import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type EnrollmentPreview = components["schemas"]["EnrollmentPreviewOut"];

// Operation `devices:inspect_enrollment`: who the link is for, which workspace, still valid?
// A POST, so the single-use token never lands in a URL or a server log.
export const enrollmentQueryKey = (token: string) => ["companion", "enrollment", token] as const;

export function inspectEnrollment(enrollmentToken: string, signal?: AbortSignal) {
  return unwrap(
    api.POST("/api/v1/devices/enrollments/inspect", {
      body: { enrollment_token: enrollmentToken },
      signal: signal ?? null,
    }),
  );
}

export function useEnrollmentPreview(enrollmentToken: string) {
  return useQuery({
    queryKey: enrollmentQueryKey(enrollmentToken),
    queryFn: ({ signal }) => inspectEnrollment(enrollmentToken, signal),
    enabled: enrollmentToken !== "",
  });
}
