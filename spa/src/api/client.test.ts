import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiProblem } from "@/lib/problem";
import { bearer, createApiClient, CSRF_HEADER, onSessionEnded, readCookie, unwrap } from "./client";

const api = createApiClient("http://comptoir.test");

function answer(status: number, body: unknown, contentType = "application/problem+json") {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": contentType, "X-Request-ID": "req-42" },
  });
}

function captureRequests(response: () => Response) {
  const requests: Request[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      requests.push(request);
      return response();
    }),
  );
  return requests;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A stand-in for the browser's Web Locks: callers of one lock run one after another. */
function fakeLocks() {
  let tail: Promise<unknown> = Promise.resolve();
  const requested: string[] = [];
  return {
    requested,
    request<T>(name: string, task: () => Promise<T>): Promise<T> {
      requested.push(name);
      const run = tail.then(task);
      tail = run.catch(() => undefined);
      return run;
    },
  };
}

/** The session has expired: the first call to each URL is a 401, later ones succeed. */
function expiredOnce(requests: Request[], onRefresh: () => void) {
  return vi.fn(async (request: Request) => {
    requests.push(request);
    if (request.url.endsWith("/auth/token/refresh")) {
      onRefresh();
      return answer(200, {}, "application/json");
    }
    const first = requests.filter((seen) => seen.url === request.url).length === 1;
    return first
      ? answer(401, { title: "Session expirée", status: 401, code: "invalid-token" })
      : new Response(null, { status: 204 });
  });
}

describe("api client", () => {
  it("sends the CSRF cookie back as a header on unsafe methods only", async () => {
    vi.stubGlobal("document", { cookie: "theme=dark; comptoir_csrf=abc%3D123" });
    const requests = captureRequests(() => answer(200, { status: "ok", version: "1" }, "application/json"));

    await api.GET("/api/v1/health");
    // No unsafe operation exists in the contract yet: send one through the untyped escape hatch.
    await api.request("post" as never, "/api/v1/health" as never);

    expect(requests[0]?.headers.get(CSRF_HEADER)).toBeNull();
    expect(requests[0]?.credentials).toBe("include");
    expect(requests[1]?.method).toBe("POST");
    expect(requests[1]?.headers.get(CSRF_HEADER)).toBe("abc=123");
  });

  it("turns a problem document into a typed ApiProblem", async () => {
    captureRequests(() =>
      answer(422, {
        type: "https://comptoir.example/problems/validation",
        title: "Données invalides.",
        status: 422,
        code: "validation_error",
        detail: "Un champ est incorrect.",
        request_id: "req-42",
        errors: [{ pointer: "/body/siren", detail: "SIREN invalide.", code: "siren_invalid" }],
      }),
    );

    const failure = await unwrap(api.GET("/api/v1/ready")).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApiProblem);
    const problem = failure as ApiProblem;
    expect(problem.status).toBe(422);
    expect(problem.code).toBe("validation_error");
    expect(problem.title).toBe("Données invalides.");
    expect(problem.requestId).toBe("req-42");
    expect(problem.fieldError("/body/siren")).toBe("SIREN invalide.");
    expect(problem.fieldError("/body/name")).toBeUndefined();
  });

  it("gives a French problem when the answer is not a problem document", async () => {
    captureRequests(() => new Response("<h1>Bad Gateway</h1>", { status: 502, headers: { "X-Request-ID": "req-7" } }));

    const failure = await unwrap(api.GET("/api/v1/health")).catch((error: unknown) => error);

    expect(failure).toMatchObject({ status: 502, code: "unexpected_response", requestId: "req-7" });
    expect((failure as ApiProblem).title).toBe("Une erreur inattendue est survenue.");
  });

  it("gives a French problem when the server cannot be reached", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("fetch failed"))));

    const failure = await unwrap(api.GET("/api/v1/health")).catch((error: unknown) => error);

    expect(failure).toMatchObject({ status: 0, code: "network_error", title: "Le serveur est injoignable." });
  });

  it("reads a cookie among others", () => {
    expect(readCookie("b", "a=1; b=x%20y; c=3")).toBe("x y");
    expect(readCookie("missing", "a=1")).toBeNull();
  });

  it("refreshes the browser session once on a 401, then retries with the new CSRF value", async () => {
    const cookies = { cookie: "comptoir_csrf=ancien" };
    vi.stubGlobal("document", cookies);
    const requests: Request[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (request: Request) => {
        requests.push(request);
        if (request.url.endsWith("/auth/token/refresh")) {
          cookies.cookie = "comptoir_csrf=nouveau";
          return answer(200, {}, "application/json");
        }
        const expired = requests.filter((seen) => seen.url === request.url).length === 1;
        return expired
          ? answer(401, { title: "Session expirée", status: 401, code: "invalid-token" })
          : new Response(null, { status: 204 });
      }),
    );

    const result = await api.DELETE("/api/v1/me/sessions/{session_id}", {
      params: { path: { session_id: "s-1" } },
    });

    expect(result.response.status).toBe(204);
    expect(requests.map((request) => new URL(request.url).pathname)).toEqual([
      "/api/v1/me/sessions/s-1",
      "/api/v1/auth/token/refresh",
      "/api/v1/me/sessions/s-1",
    ]);
    expect(requests[1]?.headers.get(CSRF_HEADER)).toBe("ancien");
    expect(requests[2]?.headers.get(CSRF_HEADER)).toBe("nouveau");
  });

  it("refreshes while holding the browser-wide lock, so that tabs take turns", async () => {
    const cookies = { cookie: "comptoir_csrf=ancien" };
    const locks = fakeLocks();
    vi.stubGlobal("document", cookies);
    vi.stubGlobal("navigator", { locks });
    const requests: Request[] = [];
    vi.stubGlobal("fetch", expiredOnce(requests, () => (cookies.cookie = "comptoir_csrf=nouveau")));

    await api.DELETE("/api/v1/me/sessions/{session_id}", { params: { path: { session_id: "s-1" } } });

    expect(locks.requested).toEqual(["comptoir-session-refresh"]);
    expect(requests.map((request) => new URL(request.url).pathname)).toEqual([
      "/api/v1/me/sessions/s-1",
      "/api/v1/auth/token/refresh",
      "/api/v1/me/sessions/s-1",
    ]);
  });

  // Where this tab sees the other tab's new CSRF cookie: its own copy (document.cookie), or
  // only the browser's store (Chromium updates the tab's copy a moment later).
  it.each([
    ["in the tab's own copy", false],
    ["in the cookie store, the tab's copy still stale", true],
  ])("does not refresh again when another tab refreshed while this one waited its turn (%s)", async (_where, storeOnly) => {
    const cookies = { cookie: "comptoir_csrf=ancien" };
    const store = { value: "ancien" };
    const locks = fakeLocks();
    vi.stubGlobal("document", cookies);
    vi.stubGlobal("navigator", { locks });
    if (storeOnly) {
      vi.stubGlobal("cookieStore", { get: async () => ({ name: "comptoir_csrf", value: store.value }) });
    }
    // Another tab holds the lock and is refreshing: its answer replaces the CSRF cookie.
    let finishOtherTab = () => {};
    const otherTab = locks.request("comptoir-session-refresh", async () => {
      await new Promise<void>((resolve) => (finishOtherTab = resolve));
      if (storeOnly) {
        store.value = "nouveau";
      } else {
        cookies.cookie = "comptoir_csrf=nouveau";
      }
    });
    const requests: Request[] = [];
    vi.stubGlobal(
      "fetch",
      expiredOnce(requests, () => {
        throw new Error("this tab must not spend the refresh token another tab already used");
      }),
    );

    const pending = api.DELETE("/api/v1/me/sessions/{session_id}", {
      params: { path: { session_id: "s-1" } },
    });
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    finishOtherTab();
    await otherTab;
    const result = await pending;

    expect(result.response.status).toBe(204);
    expect(requests.map((request) => new URL(request.url).pathname)).toEqual([
      "/api/v1/me/sessions/s-1",
      "/api/v1/me/sessions/s-1",
    ]);
    expect(requests[1]?.headers.get(CSRF_HEADER)).toBe("nouveau");
  });

  it("announces the end of the session when the refresh fails too", async () => {
    const requests = captureRequests(() =>
      answer(401, { title: "Connectez-vous", status: 401, code: "unauthorized" }),
    );
    const ended = vi.fn();
    const unsubscribe = onSessionEnded(ended);

    const failure = await unwrap(api.GET("/api/v1/me")).catch((error: unknown) => error);
    unsubscribe();

    expect(failure).toMatchObject({ status: 401 });
    expect(requests).toHaveLength(2);
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it("never refreshes for the login calls nor for a bearer call", async () => {
    const requests = captureRequests(() =>
      answer(401, { title: "Signature invalide", status: 401, code: "invalid-signature" }),
    );

    await api.POST("/api/v1/auth/login-challenges/{challenge_id}/redeem", {
      params: { path: { challenge_id: "c-1" } },
      body: { signature: "abc", mode: "cookie" },
    });
    await api.GET("/api/v1/me/activity", { headers: bearer("jeton") });

    expect(requests).toHaveLength(2);
    expect(requests[1]?.headers.get("Authorization")).toBe("Bearer jeton");
  });
});
