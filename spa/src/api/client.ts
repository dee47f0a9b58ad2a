import createClient, { type Middleware } from "openapi-fetch";
import { ApiProblem } from "@/lib/problem";
import { isOutageStatus, reportConnection } from "./connection";
import type { paths } from "./schema";

/**
 * The one HTTP client of the SPA, typed by the generated contract (`npm run generate`).
 * Features call it through one small file per operation (see features/health/api/).
 */

// Double-submit CSRF rule of the login design: the API sets this readable (non-HttpOnly)
// cookie next to its HttpOnly session cookies and requires its value back in this header on
// every unsafe request. Another site can make the browser send the cookies, not read this one.
export const CSRF_COOKIE = "comptoir_csrf";
export const CSRF_HEADER = "X-CSRF-Token";
const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function readCookie(name: string, cookieHeader: string = pageCookies()): string | null {
  for (const part of cookieHeader.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) {
      return decodeURIComponent(value.join("="));
    }
  }
  return null;
}

function pageCookies(): string {
  return typeof document === "undefined" ? "" : document.cookie;
}

function setCsrfHeader(request: Request, token: string | null = readCookie(CSRF_COOKIE)): void {
  if (UNSAFE_METHODS.has(request.method.toUpperCase())) {
    if (token) {
      request.headers.set(CSRF_HEADER, token);
    }
  }
}

export const csrfMiddleware: Middleware = {
  onRequest({ request }) {
    setCsrfHeader(request);
    return request;
  },
};

// A browser session is an access cookie living minutes and a refresh cookie living days. A 401
// on a call made with the cookies gets one refresh and one retry; when the refresh fails too,
// the session is over and the listeners (the app) send the user to the login page. The login
// endpoints themselves never trigger it (a refused signature is a 401 with nothing to refresh),
// nor do calls carrying their own bearer token (the phone's device session).
const AUTH_PATHS = "/api/v1/auth/";
const REFRESH_PATH = "/api/v1/auth/token/refresh";

/**
 * Why the app goes to the login page: `ended` when this browser had a session (it sent the CSRF
 * cookie every session sets) that was revoked or expired, `none` when nobody had signed in.
 */
export type SessionEnd = "ended" | "none";

const sessionEndedListeners = new Set<(end: SessionEnd) => void>();
let lastEnd: SessionEnd | null = null;

/** How the last browser session ended, if one did since the page loaded. */
export function lastSessionEnd(): SessionEnd | null {
  return lastEnd;
}

/** Calls `listener` whenever the browser session is found over; returns the unsubscribe. */
export function onSessionEnded(listener: (end: SessionEnd) => void): () => void {
  sessionEndedListeners.add(listener);
  return () => {
    sessionEndedListeners.delete(listener);
  };
}

// Every call that failed while a refresh is in flight waits for that same refresh: the API
// rotates the refresh token on each use and revokes the whole family when an old one comes
// back (RFC 9700 §4.14), so two refreshes racing with the same cookie would end the session.
// The other tabs of the browser share the cookies: there, the Web Locks API makes the
// refreshes take turns, so that each sends the refresh cookie the previous one set.
const REFRESH_LOCK = "comptoir-session-refresh";
let refreshInFlight: Promise<string | null> | null = null;

/** Runs `task` while holding the browser-wide refresh lock (alone where there is none). */
async function oneTabAtATime<T>(task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
  return locks ? await locks.request(REFRESH_LOCK, task) : await task();
}

/**
 * The CSRF cookie as the browser's cookie store holds it now. `document.cookie` is a copy each
 * tab keeps and Chromium updates it from the other tabs' answers a moment later, so a tab that
 * just got the lock could still read the value the previous holder replaced, refresh again and
 * retry with a stale header. The Cookie Store API asks the store itself; where it is missing,
 * the page's copy is all there is.
 */
async function currentCsrf(): Promise<string | null> {
  const store = typeof globalThis.cookieStore === "undefined" ? undefined : globalThis.cookieStore;
  if (store === undefined) {
    return readCookie(CSRF_COOKIE);
  }
  const cookie = await store.get(CSRF_COOKIE);
  return cookie?.value ? decodeURIComponent(cookie.value) : null;
}

/**
 * Refreshes the browser session; `csrfSent` is the CSRF cookie the failed call carried. Every
 * refresh replaces that cookie: if it changed by the time this tab holds the lock, another
 * tab refreshed meanwhile, and the call only has to be retried. Answers the CSRF value the
 * retry must carry, or null when the session is over.
 */
function refreshBrowserSession(pageUrl: string, csrfSent: string | null): Promise<string | null> {
  refreshInFlight ??= oneTabAtATime(async () => {
    const current = await currentCsrf();
    if (current !== null && current !== csrfSent) {
      return current;
    }
    const request = new Request(new URL(REFRESH_PATH, pageUrl), {
      method: "POST",
      credentials: "include",
    });
    setCsrfHeader(request, current);
    const response = await globalThis.fetch(request);
    // Refreshed: the retry carries the new CSRF value ("" if none could be read: no header).
    return response.ok ? ((await currentCsrf()) ?? "") : null;
  })
    .catch(() => null)
    .finally(() => {
      refreshInFlight = null;
    });
  return refreshInFlight;
}

function usesBrowserSession(request: Request): boolean {
  return (
    !request.headers.has("Authorization") && !new URL(request.url).pathname.startsWith(AUTH_PATHS)
  );
}

async function fetchWithSessionRefresh(request: Request): Promise<Response> {
  if (!usesBrowserSession(request)) {
    return globalThis.fetch(request);
  }
  const retry = request.clone();
  const csrfSent = readCookie(CSRF_COOKIE);
  const response = await globalThis.fetch(request);
  if (response.status !== 401) {
    return response;
  }
  const csrf = await refreshBrowserSession(request.url, csrfSent);
  if (csrf === null) {
    lastEnd = csrfSent === null ? "none" : "ended";
    for (const listener of sessionEndedListeners) {
      listener(lastEnd);
    }
    return response;
  }
  // The refresh rotated the CSRF cookie too: the retry must carry the new value.
  setCsrfHeader(retry, csrf);
  return globalThis.fetch(retry);
}

// A server that accepts the connection and never answers (a hung process, a proxy waiting on
// it) would leave a screen spinning forever: every call gives up after this long and says so.
export const REQUEST_TIMEOUT_MS = 20_000;

function withTimeout(request: Request): Request {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  return new Request(request, { signal: AbortSignal.any([request.signal, timeout]) });
}

export const timeoutMiddleware: Middleware = {
  onRequest({ request }) {
    return withTimeout(request);
  },
};

/**
 * Builds a client for the API at `baseUrl`. The app uses `api` below; tests build their own
 * with an absolute base, as Node has no page URL to resolve a relative one against.
 */
export function createApiClient(baseUrl: string) {
  const client = createClient<paths>({
    baseUrl,
    credentials: "include",
    // globalThis.fetch is looked up at call time rather than captured once, so a test can
    // stand in for the network.
    fetch: fetchWithSessionRefresh,
  });
  client.use(csrfMiddleware, timeoutMiddleware);
  return client;
}

// Same origin in production (the API serves the SPA) and in development (Vite's proxy): paths
// stay relative to the page.
export const api = createApiClient("");

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Waits for a call and returns its data, or throws an ApiProblem (the API's RFC 9457 body, or a
 * French stand-in when the network or a proxy failed) that TanStack Query hands to the screen.
 */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (error) {
    // An aborted query (unmounted screen) is not a network failure: let Query see the abort.
    if (error instanceof DOMException && error.name === "AbortError") {
      throw error;
    }
    reportConnection("unreachable");
    throw error instanceof DOMException && error.name === "TimeoutError" ? ApiProblem.timeout() : ApiProblem.network();
  }
  reportConnection(isOutageStatus(result.response.status) ? "unreachable" : "online");
  if (!result.response.ok || result.error !== undefined) {
    throw ApiProblem.fromResponse(result.error, result.response);
  }
  return result.data as T;
}

/** Headers for a call made with a bearer token (the phone's device session) instead of cookies. */
export function bearer(accessToken: string): { Authorization: string } {
  return { Authorization: `Bearer ${accessToken}` };
}
