/**
 * Every list of the API answers one page shape, `{ items, next_cursor }` (cursor pagination).
 * The short lists a screen shows whole (sessions, devices, keys, folders, plans…) read every
 * page through `allPages`; long lists page on screen (« Charger plus », see LoadMore).
 */

/** The largest page the API serves (`limit` ≤ 200). */
export const MAX_PAGE_SIZE = 200;

export interface CursorPage<Item> {
  items: Item[];
  next_cursor: string | null;
}

/** The query of one page: the largest page, after `cursor` when given. */
export function pageQuery(cursor: string | null): { limit: number; cursor?: string } {
  return cursor ? { limit: MAX_PAGE_SIZE, cursor } : { limit: MAX_PAGE_SIZE };
}

/** The items of every page, in order: `fetchPage(null)` first, then each `next_cursor`. */
export async function allPages<Item>(
  fetchPage: (cursor: string | null) => Promise<CursorPage<Item>>,
): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const page: CursorPage<Item> = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}
