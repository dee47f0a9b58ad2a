import { useSyncExternalStore } from "react";

/**
 * Whether the server answers, as the SPA's own calls find it: every call through `unwrap`
 * reports here (a dropped connection, a timeout or a 502/503/504 mean « injoignable »; any other
 * answer means it is back). The header shows it and `app/ConnectionRecovery` probes the server
 * while it is down, then reloads what had failed: one recovery pattern for every screen.
 */
export type Connection = "online" | "unreachable";

let current: Connection = "online";
const listeners = new Set<() => void>();

export function reportConnection(next: Connection): void {
  if (next === current) return;
  current = next;
  for (const listener of listeners) listener();
}

export function connectionState(): Connection {
  return current;
}

export function subscribeConnection(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function useConnection(): Connection {
  return useSyncExternalStore(subscribeConnection, connectionState, connectionState);
}

/** A status that says the server (or the proxy in front of it) is down, not the request wrong. */
export function isOutageStatus(status: number): boolean {
  return status === 0 || status === 502 || status === 503 || status === 504;
}
