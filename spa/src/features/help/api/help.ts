import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { allPages, pageQuery } from "@/api/pages";
import type { components } from "@/api/schema";

export type HelpIndex = components["schemas"]["HelpIndex"];
export type HelpTour = components["schemas"]["TourOut"];
export type HelpArticle = components["schemas"]["Article"];
export type HelpSegment = components["schemas"]["HelpSegment"];
export type TourProgress = components["schemas"]["TourProgressOut"];

// Operation `help:help_index`: the articles and tours of a screen, and the support contact.
export function useHelpIndex(screen: string | null) {
  return useQuery({
    queryKey: ["help", "index", screen],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/help", { params: { query: screen ? { screen } : {} }, signal })),
    staleTime: 5 * 60_000,
  });
}

// Operation `help:search_articles`: French full-text search, ranked, with highlighted excerpts.
export function useHelpSearch(question: string) {
  return useQuery({
    queryKey: ["help", "search", question],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/help/search", { params: { query: { q: question, limit: 8 } }, signal })),
    enabled: question.trim().length > 0,
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
  });
}

// Operation `help:get_article`.
export function useHelpArticle(slug: string) {
  return useQuery({
    queryKey: ["help", "article", slug],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/help/articles/{slug}", { params: { path: { slug } }, signal })),
    staleTime: 5 * 60_000,
  });
}

// Operation `help:list_articles`.
export function useHelpArticles() {
  return useQuery({
    queryKey: ["help", "articles"],
    queryFn: ({ signal }) =>
      allPages((cursor) => unwrap(api.GET("/api/v1/help/articles", { params: { query: pageQuery(cursor) }, signal }))),
    staleTime: 5 * 60_000,
  });
}

// Operations `help:get_my_feedback` / `help:give_feedback`: « Cet article vous a-t-il aidé ? ».
export function useMyFeedback(slug: string, enabled: boolean) {
  return useQuery({
    queryKey: ["help", "feedback", slug],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/help/articles/{slug}/feedback", { params: { path: { slug } }, signal })),
    enabled,
  });
}

export function useGiveFeedback(slug: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (helpful: boolean) =>
      unwrap(api.PUT("/api/v1/help/articles/{slug}/feedback", { params: { path: { slug } }, body: { helpful, comment: "" } })),
    onSuccess: (feedback) => queryClient.setQueryData(["help", "feedback", slug], feedback),
  });
}

// Operations `help:list_tour_progress` / `help:save_tour_progress`.
export const tourProgressKey = ["help", "tours", "progress"] as const;

export function useTourProgress(enabled: boolean) {
  return useQuery({
    queryKey: tourProgressKey,
    queryFn: ({ signal }) =>
      allPages((cursor) =>
        unwrap(api.GET("/api/v1/help/tours/progress", { params: { query: pageQuery(cursor) }, signal })),
      ),
    enabled,
  });
}

export function saveTourProgress(tourId: string, step: number, completed: boolean) {
  return unwrap(
    api.PUT("/api/v1/help/tours/{tour_id}/progress", {
      params: { path: { tour_id: tourId } },
      body: { step, completed },
    }),
  );
}

// Operation `help:create_support_request`: « Contacter le support ».
export type SupportRequestBody = components["schemas"]["SupportRequestIn"];

export function useCreateSupportRequest() {
  return useMutation({
    mutationFn: (body: SupportRequestBody) => unwrap(api.POST("/api/v1/help/support-requests", { body })),
  });
}

// Is someone signed in? `GET /api/v1/me`, shared with the shell's cache; a 401 means no.
export function useSignedIn(enabled = true) {
  const me = useQuery({
    queryKey: ["me"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/me", { signal: signal ?? null })),
    enabled,
    retry: false,
  });
  return { signedIn: me.isSuccess, checking: me.isPending && enabled };
}
