import createClient, { type Middleware } from "openapi-fetch";
import { ApiProblem } from "@/lib/problem";
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

export function readCookie(name: string, cookieHeader: string = document.cookie): string | null {
  for (const part of cookieHeader.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) {
      return decodeURIComponent(value.join("="));
    }
  }
  return null;
}

export const csrfMiddleware: Middleware = {
  onRequest({ request }) {
    if (UNSAFE_METHODS.has(request.method.toUpperCase())) {
      const token = readCookie(CSRF_COOKIE);
      if (token) {
        request.headers.set(CSRF_HEADER, token);
      }
    }
    return request;
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
    // Looked up at call time rather than captured once, so a test can stand in for the network.
    fetch: (request) => globalThis.fetch(request),
  });
  client.use(csrfMiddleware);
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
    throw ApiProblem.network();
  }
  if (!result.response.ok || result.error !== undefined) {
    throw ApiProblem.fromResponse(result.error, result.response);
  }
  return result.data as T;
}
