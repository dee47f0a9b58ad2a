import type { QueryClient } from "@tanstack/react-query";
import { connectionState, subscribeConnection } from "@/api/connection";

/** How long to wait between two probes while the server is down: 2 s, doubling up to 15 s. */
export function probeDelay(attempt: number): number {
  return Math.min(2_000 * 2 ** attempt, 15_000);
}

export interface RecoveryEnvironment {
  /** One cheap call to the server (`GET /health` through `unwrap`, which reports the outcome). */
  probe: () => Promise<unknown>;
  setTimer: (callback: () => void, ms: number) => unknown;
  clearTimer: (timer: unknown) => void;
  /** Registers the browser's « back online » and « tab shown again » events. */
  onWake: (callback: () => void) => () => void;
}

/**
 * The SPA's one recovery pattern after a server outage: while the connection is « injoignable »
 * the server is probed (2 s, 4 s, 8 s… at most 15 s apart); as soon as it answers again, or the
 * browser comes back online, or the tab is shown again, every query that had failed and is still
 * on screen is fetched again. No screen stays on an error once the server is back.
 */
export function startConnectionRecovery(queryClient: QueryClient, environment: RecoveryEnvironment): () => void {
  let timer: unknown = null;
  let attempt = 0;

  const reloadFailed = () =>
    queryClient.refetchQueries({ type: "active", predicate: (query) => query.state.status === "error" });

  const scheduleProbe = () => {
    if (timer !== null) return;
    timer = environment.setTimer(() => {
      timer = null;
      attempt += 1;
      void environment.probe().catch(() => undefined).finally(() => {
        if (connectionState() === "unreachable") scheduleProbe();
      });
    }, probeDelay(attempt));
  };

  let previous = connectionState();
  const unsubscribe = subscribeConnection(() => {
    const next = connectionState();
    if (next === "unreachable") {
      scheduleProbe();
    } else if (previous === "unreachable") {
      attempt = 0;
      if (timer !== null) {
        environment.clearTimer(timer);
        timer = null;
      }
      void reloadFailed();
    }
    previous = next;
  });
  if (previous === "unreachable") scheduleProbe();

  const stopWake = environment.onWake(() => void reloadFailed());

  return () => {
    unsubscribe();
    stopWake();
    if (timer !== null) environment.clearTimer(timer);
  };
}

/** The browser's events: back online, and the tab shown or focused again. */
export function browserWakeEvents(callback: () => void): () => void {
  const onVisible = () => {
    if (document.visibilityState === "visible") callback();
  };
  window.addEventListener("online", callback);
  window.addEventListener("focus", callback);
  document.addEventListener("visibilitychange", onVisible);
  return () => {
    window.removeEventListener("online", callback);
    window.removeEventListener("focus", callback);
    document.removeEventListener("visibilitychange", onVisible);
  };
}
