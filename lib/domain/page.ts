/** Keyset pagination: `cursor` is the last id of the previous page, opaque to clients. */
export interface PageRequest {
  limit: number;
  cursor: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
