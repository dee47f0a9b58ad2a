/**
 * Query keys that more than one feature reads or invalidates. A feature's own keys stay in its
 * `api/` files; these are the few a neighbour must refresh (an e-invoicing activation changes
 * the « Désignation PA » column of the clients list), so they live below every feature.
 */
export const clientsQueryKey = ["clients"] as const;
