import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type AuditEvent = components["schemas"]["AuditEventOut"];

export interface AuditFilters {
  /** An action prefix (`member.`, `auth.`), or "" for every action. */
  action: string;
  actorUserId: string;
  targetType: string;
  /** Calendar days (`2026-09-01`), inclusive, read in the user's time zone. */
  fromDay: string;
  toDay: string;
}

// Operation `audit:list_events`: newest first, one page per « Charger plus ».
export const auditEventsQueryKey = ["audit-events"] as const;
const PAGE_SIZE = 50;

function startOfDay(day: string): string {
  return new Date(`${day}T00:00:00`).toISOString();
}

function startOfNextDay(day: string): string {
  const date = new Date(`${day}T00:00:00`);
  date.setDate(date.getDate() + 1);
  return date.toISOString();
}

export function listAuditEvents(filters: AuditFilters, cursor: string | null, signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/audit-events", {
      params: {
        // openapi-fetch leaves null parameters out of the query string.
        query: {
          action: filters.action || null,
          actor_user_id: filters.actorUserId || null,
          target_type: filters.targetType || null,
          from: filters.fromDay ? startOfDay(filters.fromDay) : null,
          // `to` is exclusive: the whole last day is included.
          to: filters.toDay ? startOfNextDay(filters.toDay) : null,
          limit: PAGE_SIZE,
          cursor,
        },
      },
      signal: signal ?? null,
    }),
  );
}

export function useAuditEvents(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: [...auditEventsQueryKey, filters],
    queryFn: ({ pageParam, signal }) => listAuditEvents(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    // A new filter keeps the current rows on screen until its answer arrives (no flicker).
    placeholderData: keepPreviousData,
  });
}
