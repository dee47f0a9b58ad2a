import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { afterEach, describe, expect, it } from "vitest";
import { reportConnection } from "@/api/connection";
import { probeDelay, startConnectionRecovery } from "./connection-recovery";

/** Timers the test fires by hand, and the wake events it raises. */
function fakeEnvironment(probe: () => Promise<unknown>) {
  const timers: { callback: () => void; ms: number }[] = [];
  let wake: () => void = () => undefined;
  return {
    environment: {
      probe,
      setTimer: (callback: () => void, ms: number) => timers.push({ callback, ms }),
      clearTimer: () => undefined,
      onWake: (callback: () => void) => {
        wake = callback;
        return () => undefined;
      },
    },
    timers,
    wake: () => wake(),
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => reportConnection("online"));

describe("recovery after a server outage", () => {
  it("probes while the server is down, then reloads the screens that had failed", async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    let serverUp = false;
    let fetched = 0;
    const observer = new QueryObserver(queryClient, {
      queryKey: ["clients"],
      queryFn: () => {
        fetched += 1;
        return serverUp ? Promise.resolve("liste") : Promise.reject(new Error("injoignable"));
      },
    });
    const unsubscribe = observer.subscribe(() => undefined);
    await flush();
    expect(observer.getCurrentResult().status).toBe("error");

    const probe = () => {
      reportConnection(serverUp ? "online" : "unreachable");
      return Promise.resolve();
    };
    const { environment, timers } = fakeEnvironment(probe);
    const stop = startConnectionRecovery(queryClient, environment);
    reportConnection("unreachable");
    expect(timers.map((timer) => timer.ms)).toEqual([probeDelay(0)]);

    // Still down: the next probe waits longer.
    timers.shift()!.callback();
    await flush();
    expect(timers.map((timer) => timer.ms)).toEqual([probeDelay(1)]);
    expect(probeDelay(1)).toBeGreaterThan(probeDelay(0));

    // Back: the probe says so, and the failed list is fetched again without a click.
    serverUp = true;
    timers.shift()!.callback();
    await flush();
    await flush();
    expect(observer.getCurrentResult().data).toBe("liste");
    expect(fetched).toBe(2); // the first load, then once when the server came back
    expect(timers).toEqual([]);
    stop();
    unsubscribe();
  });

  it("reloads what failed when the browser is back online or the tab shown again", async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    let answers = 0;
    const observer = new QueryObserver(queryClient, {
      queryKey: ["documents"],
      queryFn: () => (answers++ === 0 ? Promise.reject(new Error("hors ligne")) : Promise.resolve("documents")),
    });
    const unsubscribe = observer.subscribe(() => undefined);
    await flush();
    const { environment, wake } = fakeEnvironment(() => Promise.resolve());
    const stop = startConnectionRecovery(queryClient, environment);

    wake();
    await flush();
    await flush();
    expect(observer.getCurrentResult().data).toBe("documents");
    stop();
    unsubscribe();
  });

  it("caps the wait between probes", () => {
    expect(probeDelay(10)).toBe(15_000);
  });
});
