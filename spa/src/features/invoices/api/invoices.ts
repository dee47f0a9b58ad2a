import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { useMutation } from "@/lib/mutation";

export type InvoiceSummary = components["schemas"]["InvoiceSummary"];
export type InvoiceDetail = components["schemas"]["InvoiceDetail"];
export type InvoiceDirection = components["schemas"]["InvoiceDirection"];
export type InvoiceAction = components["schemas"]["InvoiceAction"];
export type InvoiceCatalogue = components["schemas"]["InvoiceCatalogue"];
export type InvoiceActionRequest = components["schemas"]["InvoiceActionRequest"];
export type InvoiceBulkResult = components["schemas"]["InvoiceBulkResult"];

export const invoicesQueryKey = ["invoices"] as const;
const PAGE_SIZE = 50;

export interface InvoiceListQuery {
  direction: InvoiceDirection;
  /** One client; absent: every client whose documents the user sees. */
  clientId?: string | undefined;
  /** Lifecycle status codes (any of them); 0 = still being checked. */
  statuses: readonly number[];
}

// Operation `invoices:list_invoices`: « Factures reçues » / « Factures émises ».
export function useInvoices({ direction, clientId, statuses }: InvoiceListQuery) {
  return useInfiniteQuery({
    queryKey: [...invoicesQueryKey, "list", direction, clientId ?? null, [...statuses]],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET("/api/v1/invoices", {
          params: {
            query: {
              direction,
              limit: PAGE_SIZE,
              ...(clientId ? { client_id: clientId } : {}),
              ...(statuses.length > 0 ? { status: [...statuses] } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
          signal,
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    placeholderData: keepPreviousData,
  });
}

// Operation `invoices:get_invoice`: the invoice, its timeline and what the user may do now.
export function useInvoice(invoiceId: string | null) {
  return useQuery({
    queryKey: [...invoicesQueryKey, "detail", invoiceId],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/invoices/{invoice_id}", { params: { path: { invoice_id: invoiceId! } }, signal })),
    enabled: invoiceId !== null,
  });
}

// Operation `invoices:invoice_catalogue`: the statuses' and actions' French labels, the reasons.
export function useInvoiceCatalogue() {
  return useQuery({
    queryKey: [...invoicesQueryKey, "catalogue"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/invoices/catalogue", { signal })),
    staleTime: Infinity,
  });
}

// Operation `invoices:act_on_invoice`.
export function useInvoiceAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ invoiceId, request }: { invoiceId: string; request: InvoiceActionRequest }) =>
      unwrap(api.POST("/api/v1/invoices/{invoice_id}/actions", { params: { path: { invoice_id: invoiceId } }, body: request })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: invoicesQueryKey }),
  });
}

// Operation `invoices:act_on_invoices`: one result per invoice.
export function useBulkInvoiceAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ invoiceIds, request }: { invoiceIds: string[]; request: InvoiceActionRequest }) =>
      unwrap(api.POST("/api/v1/invoices/actions", { body: { ...request, invoice_ids: invoiceIds } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: invoicesQueryKey }),
  });
}
