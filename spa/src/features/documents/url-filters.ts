import { DOCUMENT_SORTS, DOCUMENT_TYPES, type DocumentFilters, type DocumentSort } from "./api/list-documents";

export const DEFAULT_DOCUMENT_SORT: DocumentSort = "-date";
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((candidate) => candidate === value);
}

function present(value: string | null): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * « Documents clients »' filters live in the address (`/documents?client=…&type=invoice&du=2026-01-01`):
 * a reload, a shared link or the back button shows the same list, as the clients list does.
 */
export function documentFiltersFromSearch(search: URLSearchParams): DocumentFilters {
  const filters: DocumentFilters = { sort: oneOf(DOCUMENT_SORTS, search.get("tri")) ?? DEFAULT_DOCUMENT_SORT };
  const client = present(search.get("client"));
  const folder = present(search.get("dossier"));
  const type = oneOf(DOCUMENT_TYPES, search.get("type"));
  const from = search.get("du");
  const to = search.get("au");
  const q = present(search.get("q"));
  if (client) filters.client_id = client;
  if (folder) filters.folder_id = folder;
  if (type) filters.type = type;
  if (from && DAY.test(from)) filters.date_from = from;
  if (to && DAY.test(to)) filters.date_to = to;
  if (q) filters.q = q;
  return filters;
}

export function searchFromDocumentFilters(filters: DocumentFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.q) search.set("q", filters.q);
  if (filters.client_id) search.set("client", filters.client_id);
  if (filters.folder_id) search.set("dossier", filters.folder_id);
  if (filters.type) search.set("type", filters.type);
  if (filters.date_from) search.set("du", filters.date_from);
  if (filters.date_to) search.set("au", filters.date_to);
  if (filters.sort !== DEFAULT_DOCUMENT_SORT) search.set("tri", filters.sort);
  return search;
}
