/**
 * Seeds the bench's events through the public API with an admin token, as an operator would, so the
 * seeding also proves the server under test is the real one (routes, auth, validation).
 */
export interface Seeded {
  seatedEventId: string;
  seatIds: string[];
  standingEventId: string;
  capacity: number;
  queuedEventId: string;
}

async function api<T>(base: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

function eventBody(name: string, extra: Record<string, unknown>) {
  // Starts in 30 days and has no sale window: on sale from now until it starts.
  const start = new Date(Date.now() + 30 * 86_400_000);
  return { name, venue: 'Bench Arena', start_time: start.toISOString(), end_time: new Date(start.getTime() + 3 * 3_600_000).toISOString(), ...extra };
}

export async function seed(base: string, adminToken: string, seats: number, capacity: number, tag: string): Promise<Seeded> {
  const call = <T>(method: string, path: string, body?: unknown) => api<T>(base, adminToken, method, path, body);
  const seated = await call<{ id: string }>('POST', '/events', eventBody(`Bench seated ${tag}`, { is_seated_event: true }));
  const drafts = Array.from({ length: seats }, (_, i) => ({ section: `S${Math.floor(i / 1_000)}`, row: Math.floor((i % 1_000) / 50) + 1, number: (i % 50) + 1, price_cents: 5_000 }));
  await call('POST', `/events/${seated.id}/seats`, { seats: drafts });
  const seatIds: string[] = [];
  for (let cursor: string | null = null; ; ) {
    const page: { seats: Array<{ id: string }>; next_cursor: string | null } = await call('GET', `/events/${seated.id}/seats?limit=10000${cursor ? `&cursor=${cursor}` : ''}`);
    seatIds.push(...page.seats.map((seat) => seat.id));
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  if (seatIds.length !== seats) throw new Error(`seeded ${seats} seats but listed ${seatIds.length}`);
  const standing = await call<{ id: string }>('POST', '/events', eventBody(`Bench standing ${tag}`, { is_seated_event: false, total_tickets: capacity }));
  // admit_per_minute 0: nobody leaves the line during the phase, so look-ups really run at full depth.
  const queued = await call<{ id: string }>(
    'POST',
    '/events',
    eventBody(`Bench queued ${tag}`, { is_seated_event: false, total_tickets: 1_000, queue: { enabled: true, admit_per_minute: 0, max_active_sessions: 500, session_ttl_seconds: 900 } }),
  );
  return { seatedEventId: seated.id, seatIds, standingEventId: standing.id, capacity, queuedEventId: queued.id };
}

/** Frees holds (as admin) so a later phase finds their seats for sale. */
export async function releaseHolds(base: string, adminToken: string, holdIds: readonly string[]): Promise<void> {
  for (const id of holdIds) await api(base, adminToken, 'DELETE', `/holds/${id}`);
}
