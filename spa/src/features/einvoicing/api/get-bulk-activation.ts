import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { api, unwrap } from "@/api/client";
import { clientsQueryKey } from "@/api/query-keys";

const POLL_MS = 1_000;

// Operation `einvoicing:get_bulk_activation`: the job's counts by status, polled until done.
export function getBulkActivation(jobId: string, signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/einvoicing/bulk-activations/{job_id}", {
      params: { path: { job_id: jobId } },
      signal: signal ?? null,
    }),
  );
}

export function useBulkActivationJob(jobId: string) {
  const queryClient = useQueryClient();
  const job = useQuery({
    queryKey: ["einvoicing", "bulk-activations", jobId],
    queryFn: ({ signal }) => getBulkActivation(jobId, signal),
    refetchInterval: (query) => (query.state.data?.done ? false : POLL_MS),
  });
  const done = job.data?.done ?? false;
  const progressKey = job.data ? JSON.stringify(job.data.progress) : "";
  // Each step of the worker shows in the list's « Désignation PA » column.
  useEffect(() => {
    if (progressKey) void queryClient.invalidateQueries({ queryKey: clientsQueryKey });
  }, [progressKey, done, queryClient]);
  return job;
}
