import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiProblem } from "@/lib/problem";
import { api } from "./client";
import { uploadWithProgress, type FileUpload } from "./upload-with-progress";

interface Answer {
  status: number;
  body: string;
}

/**
 * A stand-in for the browser's XMLHttpRequest: each request sent records what it carried, reports
 * its upload as done, then gets the next answer of the queue (or a network failure when empty).
 */
function fakeXhr(answers: Answer[]) {
  const sent: { url: string; headers: Record<string, string>; withCredentials: boolean; body: unknown }[] = [];
  class FakeXhr {
    url = "";
    headers: Record<string, string> = {};
    withCredentials = false;
    responseType = "";
    status = 0;
    responseText = "";
    upload: { onprogress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = {
      onprogress: null,
    };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    open(_method: string, url: string) {
      this.url = url;
    }
    setRequestHeader(name: string, value: string) {
      this.headers[name] = value;
    }
    getAllResponseHeaders() {
      return "content-type: application/problem+json\r\nx-request-id: req-42\r\n";
    }
    send(body: unknown) {
      sent.push({ url: this.url, headers: this.headers, withCredentials: this.withCredentials, body });
      const answer = answers.shift();
      queueMicrotask(() => {
        if (!answer) return this.onerror?.();
        this.upload.onprogress?.({ lengthComputable: true, loaded: 4, total: 4 });
        this.status = answer.status;
        this.responseText = answer.body;
        this.onload?.();
      });
    }
  }
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
  return sent;
}

const expired: Answer = {
  status: 401,
  body: JSON.stringify({ type: "about:blank", title: "Session expirée.", status: 401, code: "not_authenticated" }),
};
const created: Answer = { status: 201, body: JSON.stringify({ id: "doc-1" }) };

function upload(overrides: Partial<FileUpload> = {}): FileUpload {
  return {
    url: "/api/v1/documents?filename=facture.pdf",
    file: new File(["%PDF"], "facture.pdf"),
    contentType: "application/octet-stream",
    onProgress: vi.fn(),
    ...overrides,
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("uploading a file with progress", () => {
  it("posts the file as the body with the browser's cookies, reports progress and returns the answer", async () => {
    const sent = fakeXhr([created]);
    const request = upload();
    await expect(uploadWithProgress(request)).resolves.toEqual({ id: "doc-1" });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      url: "/api/v1/documents?filename=facture.pdf",
      withCredentials: true,
      body: request.file,
      headers: { "Content-Type": "application/octet-stream", Accept: "application/json, application/problem+json" },
    });
    expect(request.onProgress).toHaveBeenCalledWith(1);
  });

  it("refreshes an expired cookie session, then retries once with the same headers", async () => {
    const sent = fakeXhr([expired, created]);
    const refresh = vi.spyOn(api, "GET").mockResolvedValue({ data: undefined, error: undefined, response: new Response() });
    await expect(uploadWithProgress(upload({ headers: { "Idempotency-Key": "key-1" } }))).resolves.toEqual({ id: "doc-1" });
    expect(refresh).toHaveBeenCalledWith("/api/v1/me");
    expect(sent.map((request) => request.headers["Idempotency-Key"])).toEqual(["key-1", "key-1"]);
  });

  it("sends a device session's token instead of the cookies, and gives its 401 back without a refresh", async () => {
    const sent = fakeXhr([expired]);
    const refresh = vi.spyOn(api, "GET");
    const failure = await uploadWithProgress(upload({ accessToken: "device-token" })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiProblem);
    expect(failure).toMatchObject({ status: 401, code: "not_authenticated" });
    expect(sent[0]).toMatchObject({ withCredentials: false, headers: { Authorization: "Bearer device-token" } });
    expect(refresh).not.toHaveBeenCalled();
  });

  it("turns a lost connection into the network problem", async () => {
    fakeXhr([]);
    await expect(uploadWithProgress(upload())).rejects.toMatchObject({ code: "network_error" });
  });
});
