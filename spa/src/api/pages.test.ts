import { describe, expect, it } from "vitest";
import { allPages, MAX_PAGE_SIZE, pageQuery, type CursorPage } from "./pages";

describe("allPages", () => {
  it("reads every page in order, following each next_cursor until the last page", async () => {
    const pages: Record<string, CursorPage<number>> = {
      first: { items: [1, 2], next_cursor: "a" },
      a: { items: [3, 4], next_cursor: "b" },
      b: { items: [5], next_cursor: null },
    };
    const asked: (string | null)[] = [];
    const items = await allPages((cursor) => {
      asked.push(cursor);
      return Promise.resolve(pages[cursor ?? "first"]!);
    });
    expect(items).toEqual([1, 2, 3, 4, 5]);
    expect(asked).toEqual([null, "a", "b"]);
  });

  it("stops at a single page and passes a failure on", async () => {
    expect(await allPages(() => Promise.resolve({ items: ["x"], next_cursor: null }))).toEqual(["x"]);
    await expect(allPages(() => Promise.reject(new Error("panne")))).rejects.toThrow("panne");
  });
});

describe("pageQuery", () => {
  it("asks for the largest page, with the cursor only when there is one", () => {
    expect(pageQuery(null)).toEqual({ limit: MAX_PAGE_SIZE });
    expect(pageQuery("abc")).toEqual({ limit: MAX_PAGE_SIZE, cursor: "abc" });
  });
});
