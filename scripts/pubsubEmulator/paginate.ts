import { invalidArgument } from './statusError';

const MAX_PAGE_SIZE = 1000;

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken: string;
}

/** Offset-based pages; the token is opaque to clients, so a plain offset is enough. */
export function paginate<T>(all: readonly T[], pageSize: number | undefined, pageToken: string | undefined): Page<T> {
  const size = pageSize && pageSize > 0 ? Math.min(pageSize, MAX_PAGE_SIZE) : MAX_PAGE_SIZE;
  let offset = 0;
  if (pageToken) {
    offset = Number(pageToken);
    if (!Number.isInteger(offset) || offset < 0) throw invalidArgument(`Invalid page token: ${pageToken}`);
  }
  const items = all.slice(offset, offset + size);
  const next = offset + items.length;
  return { items, nextPageToken: next < all.length ? String(next) : '' };
}
