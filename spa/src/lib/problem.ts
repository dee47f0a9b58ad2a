import type { components } from "@/api/schema";

export type ProblemDocument = components["schemas"]["Problem"];
export type FieldError = components["schemas"]["FieldError"];

// Shown when the answer is not a problem document (a proxy's HTML page, a dropped connection):
// the user still gets a French sentence, never a raw status line.
const UNEXPECTED_TITLE = "Une erreur inattendue est survenue.";
const NETWORK_TITLE = "Le serveur est injoignable.";
const NETWORK_DETAIL = "Vérifiez votre connexion : la page se rechargera d'elle-même dès que le service répondra.";
const TIMEOUT_TITLE = "Le serveur ne répond pas.";
const TIMEOUT_DETAIL = "La demande a été abandonnée après 20 secondes. Réessayez dans un instant.";

/**
 * An RFC 9457 problem returned by the API, as a thrown error. `title` and `detail` are French
 * and can be shown as they are; `code` is stable and is what screens branch on.
 */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly type: string;
  readonly title: string;
  readonly detail: string | null;
  readonly errors: readonly FieldError[];
  readonly requestId: string | null;
  /** Seconds to wait before asking again (`Retry-After` of a 429 or 503), when the API said. */
  readonly retryAfterSeconds: number | null;

  constructor(problem: ProblemDocument, retryAfterSeconds: number | null = null) {
    super(problem.detail ? `${problem.title} ${problem.detail}` : problem.title);
    this.name = "ApiProblem";
    this.status = problem.status;
    this.code = problem.code;
    this.type = problem.type;
    this.title = problem.title;
    this.detail = problem.detail ?? null;
    this.errors = problem.errors ?? [];
    this.requestId = problem.request_id ?? null;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The message for one input, by its JSON pointer (`/body/siren`), for a form field. */
  fieldError(pointer: string): string | undefined {
    return this.errors.find((error) => error.pointer === pointer)?.detail;
  }

  /** Builds the error from whatever body came back with a failed response. */
  static fromResponse(body: unknown, response: Response): ApiProblem {
    const retryAfter = retryAfterSeconds(response.headers.get("Retry-After"));
    if (isProblemDocument(body)) {
      return new ApiProblem(body, retryAfter);
    }
    return new ApiProblem({
      type: "about:blank",
      title: UNEXPECTED_TITLE,
      status: response.status,
      code: "unexpected_response",
      detail: null,
      request_id: response.headers.get("X-Request-ID"),
    }, retryAfter);
  }

  /** The server accepted the request and never answered in time. */
  static timeout(): ApiProblem {
    return new ApiProblem({
      type: "about:blank",
      title: TIMEOUT_TITLE,
      status: 0,
      code: "timeout",
      detail: TIMEOUT_DETAIL,
    });
  }

  /**
   * The server is down or overloaded (no answer, a timeout, 502/503/504, a 429): asking again
   * later may work. A 4xx other than 408/429 will not change by asking again.
   */
  get transient(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }

  /** The request never got an answer (offline, DNS, server down). */
  static network(): ApiProblem {
    return new ApiProblem({
      type: "about:blank",
      title: NETWORK_TITLE,
      status: 0,
      code: "network_error",
      detail: NETWORK_DETAIL,
    });
  }
}

// RFC 9110 §10.2.3 also allows an HTTP date; the API only sends seconds, which is all we read.
function retryAfterSeconds(header: string | null): number | null {
  if (header === null || !/^\d+$/.test(header.trim())) {
    return null;
  }
  return Number(header.trim());
}

function isProblemDocument(body: unknown): body is ProblemDocument {
  if (typeof body !== "object" || body === null) {
    return false;
  }
  const candidate = body as Record<string, unknown>;
  return (
    typeof candidate["title"] === "string" &&
    typeof candidate["status"] === "number" &&
    typeof candidate["code"] === "string" &&
    (candidate["errors"] === undefined ||
      candidate["errors"] === null ||
      Array.isArray(candidate["errors"]))
  );
}
