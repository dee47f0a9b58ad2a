import type { components, operations } from "@/api/schema";

export type ClientStatus = components["schemas"]["ClientStatus"];
export type PaStatus = components["schemas"]["PaStatus"];
export type MandateStage = components["schemas"]["MandateStage"];
export type ClientSort = NonNullable<NonNullable<operations["clients:list_clients"]["parameters"]["query"]>["sort"]>;

/** The list's search, filters and sort: what `GET /clients` and its Excel export both take. */
export interface ClientListFilters {
  q?: string | undefined;
  status?: ClientStatus | undefined;
  pa_status?: PaStatus | undefined;
  /** Where the client stands in the mandate funnel (à envoyer … inscrit). */
  mandate_stage?: MandateStage | undefined;
  assignee?: string | undefined;
  /** A plan code, or `none` for the clients without one. */
  plan?: string | undefined;
  sort: ClientSort;
}

type ApiListQuery = Pick<
  NonNullable<operations["clients:list_clients"]["parameters"]["query"]>,
  "q" | "status" | "pa_status" | "mandate_stage" | "assignee" | "plan" | "sort"
>;

/** The filters as the API's query: only the ones set (an empty `q=` would search for ""). */
export function toApiQuery(filters: ClientListFilters): ApiListQuery {
  const query: ApiListQuery = { sort: filters.sort };
  if (filters.q) query.q = filters.q;
  if (filters.status) query.status = filters.status;
  if (filters.pa_status) query.pa_status = filters.pa_status;
  if (filters.mandate_stage) query.mandate_stage = filters.mandate_stage;
  if (filters.assignee) query.assignee = filters.assignee;
  if (filters.plan) query.plan = filters.plan;
  return query;
}

export const CLIENT_STATUSES: readonly ClientStatus[] = ["invited", "active"];
export const PA_STATUSES: readonly PaStatus[] = [
  "not_registered",
  "pending",
  "registered",
  "error",
  "deregistered",
];
export const MANDATE_STAGES: readonly MandateStage[] = [
  "to_send",
  "sent",
  "opened",
  "signed",
  "registered",
  "expired",
  "refused",
  "error",
];
const SORTS: readonly ClientSort[] = ["name", "-name", "siren", "-siren", "created_at", "-created_at"];
export const DEFAULT_SORT: ClientSort = "name";

/** The columns the API can sort by (keyset pagination: one index per sort). */
export type SortKey = "name" | "siren" | "created_at";

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((candidate) => candidate === value);
}

function present(value: string | null): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Filters live in the address (`/clients?statut=invited&tri=-created_at`): a reload, a shared
 * link or the back button shows the same list, and the export takes exactly what is shown.
 */
export function filtersFromSearch(search: URLSearchParams): ClientListFilters {
  const filters: ClientListFilters = { sort: oneOf(SORTS, search.get("tri")) ?? DEFAULT_SORT };
  const q = present(search.get("q"));
  const status = oneOf(CLIENT_STATUSES, search.get("statut"));
  const paStatus = oneOf(PA_STATUSES, search.get("pa"));
  const mandateStage = oneOf(MANDATE_STAGES, search.get("mandat"));
  const assignee = present(search.get("collaborateur"));
  const plan = present(search.get("formule"));
  if (q) filters.q = q;
  if (status) filters.status = status;
  if (paStatus) filters.pa_status = paStatus;
  if (mandateStage) filters.mandate_stage = mandateStage;
  if (assignee) filters.assignee = assignee;
  if (plan) filters.plan = plan;
  return filters;
}

export function searchFromFilters(filters: ClientListFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.q) search.set("q", filters.q);
  if (filters.status) search.set("statut", filters.status);
  if (filters.pa_status) search.set("pa", filters.pa_status);
  if (filters.mandate_stage) search.set("mandat", filters.mandate_stage);
  if (filters.assignee) search.set("collaborateur", filters.assignee);
  if (filters.plan) search.set("formule", filters.plan);
  if (filters.sort !== DEFAULT_SORT) search.set("tri", filters.sort);
  return search;
}

export function hasFilters(filters: ClientListFilters): boolean {
  return Boolean(
    filters.q || filters.status || filters.pa_status || filters.mandate_stage || filters.assignee || filters.plan,
  );
}

/** The sort after a click on a column header: ascending first, then the other way. */
export function nextSort(current: ClientSort, key: SortKey): ClientSort {
  return current === key ? (`-${key}` as ClientSort) : (key as ClientSort);
}

export function sortDirection(current: ClientSort, key: SortKey): "ascending" | "descending" | "none" {
  if (current === key) return "ascending";
  if (current === `-${key}`) return "descending";
  return "none";
}

/** Search input → the API's `q`: a SIREN or SIRET typed with spaces is matched without them. */
export function normaliseQuery(input: string): string {
  const trimmed = input.trim();
  return /^[\d\s]+$/.test(trimmed) ? trimmed.replace(/\s+/g, "") : trimmed;
}
