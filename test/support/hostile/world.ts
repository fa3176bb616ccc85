import { randomUUID } from 'node:crypto';
import type supertest from 'supertest';
import { Config } from '../../../internal/config/config';
import type { Principal } from '../../../lib/domain/principal';
import { signToken } from '../../../pkg/jwt/sign-token';
import { eventBody, seatBodies } from '../fixtures';
import type { TestApp } from '../test-app';
import { fingerprint, type Fingerprint } from './fingerprint';
import type { AuthChoice } from './requests';
import type { RefName } from './routes';

type Http = ReturnType<typeof supertest>;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

// Fixture holds must outlive the run: one that lapsed mid-run would look like a rejected request's doing.
const HOLD_MARGIN_MS = 10 * 60_000;
const QUEUE = { enabled: true, admit_per_minute: 0, max_active_sessions: 1_000_000, session_ttl_seconds: 86_400 };

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * The fixtures the hostile requests aim at (a seated, a standing and a queued event, a live hold, a
 * reserved ticket, an active queue session) and the credentials they carry. A request that succeeds may
 * use a fixture up (release the hold, cancel the ticket, delete an event): `settle` makes a new one.
 */
export class HostileWorld {
  private readonly values = new Map<RefName, string | number>();
  private readonly tokens = new Map<AuthChoice, string>();
  /** The fixture events' rows as built: any difference means a request replaced or deleted one. */
  private eventRows = '';

  private constructor(
    private readonly t: TestApp,
    private readonly http: Http,
    readonly users: { owner: string; other: string; admin: string },
  ) {}

  static async create(t: TestApp, http: Http): Promise<HostileWorld> {
    const run = randomUUID();
    const world = new HostileWorld(t, http, { owner: `fuzz-owner-${run}`, other: `fuzz-other-${run}`, admin: `fuzz-admin-${run}` });
    const { jwtSecret } = t.runtime.container.get<Config>(Config);
    const sign = async (principal: Principal, secret = jwtSecret, ttl = 3_600) => `Bearer ${await signToken(secret, principal, ttl)}`;
    const { owner, other, admin } = world.users;
    world.tokens.set('owner', await sign({ userId: owner, role: 'user' }));
    world.tokens.set('other', await sign({ userId: other, role: 'user' }));
    world.tokens.set('admin', await sign({ userId: admin, role: 'admin' }));
    world.tokens.set('expired', await sign({ userId: admin, role: 'admin' }, jwtSecret, -60));
    world.tokens.set('wrongSecret', await sign({ userId: admin, role: 'admin' }, `not-the-secret-${'x'.repeat(32)}`));
    world.tokens.set('badRole', await sign({ userId: admin, role: 'root' as Principal['role'] }));
    const claims = { sub: admin, role: 'admin', exp: Math.floor(Date.now() / 1000) + 3_600 };
    world.tokens.set('algNone', `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`);
    for (const [ref, id] of [['ownerId', owner], ['otherId', other], ['adminId', admin]] as const) world.values.set(ref, id);
    await world.build();
    return world;
  }

  value(name: RefName): string | number {
    const value = this.values.get(name);
    if (value === undefined) throw new Error(`no fixture ${name}`);
    return value;
  }

  eventIds(): string[] {
    return (['seatedEventId', 'standingEventId', 'queuedEventId'] as const).map((ref) => String(this.value(ref)));
  }

  authHeader(choice: AuthChoice): string | undefined {
    if (choice === 'none') return undefined;
    return typeof choice === 'object' ? choice.garbage : this.tokens.get(choice);
  }

  /**
   * After a success: frees any other hold it took (it would lapse mid-run and look like a later request's
   * doing), rebuilds the fixtures it used up, and returns the fingerprint the next request is judged by.
   */
  async settle(body?: unknown): Promise<Fingerprint> {
    const hold = body as { id?: unknown; fencing_token?: unknown } | null | undefined;
    if (hold && typeof hold.id === 'string' && typeof hold.fencing_token === 'number' && hold.id !== this.values.get('holdId')) {
      await this.http.delete(`/api/v1/holds/${hold.id}`).set('Authorization', this.tokens.get('admin')!);
    }
    for (;;) {
      const current = await fingerprint(this.t, this);
      if (!(await this.repair(current))) return current;
    }
  }

  private async call(method: Method, url: string, as: 'owner' | 'admin', body?: object) {
    const res = await this.http[method](url).set('Authorization', this.tokens.get(as)!).send(body);
    if (res.status >= 300) throw new Error(`fixture ${method} ${url}: ${res.status} ${res.text}`);
    return res.body;
  }

  private async build(): Promise<void> {
    const seated = await this.call('post', '/api/v1/events', 'admin', eventBody());
    const standing = await this.call('post', '/api/v1/events', 'admin', eventBody({ is_seated_event: false, total_tickets: 1_000 }));
    const queued = await this.call('post', '/api/v1/events', 'admin', eventBody({ queue: QUEUE }));
    await this.call('post', `/api/v1/events/${seated.id}/seats`, 'admin', { seats: seatBodies(30, 'F') });
    await this.call('post', `/api/v1/events/${queued.id}/seats`, 'admin', { seats: seatBodies(5, 'Q') });
    this.values.set('seatedEventId', seated.id).set('standingEventId', standing.id).set('queuedEventId', queued.id);
    await this.newHold();
    await this.newTicket();
    await this.newSession();
    await this.newFreeSeat();
    this.eventRows = (await fingerprint(this.t, this)).rows.events as string;
  }

  /** Replaces what a successful request used up; false when every fixture was still usable. */
  private async repair(current: Fingerprint): Promise<boolean> {
    // A replaced or deleted event changes what every other fixture means: start again.
    if (current.rows.events !== this.eventRows) return this.build().then(() => true);
    const { holdExpiresAt, ticket, session, seatFree } = current.fixtures;
    const steps: Array<() => Promise<void>> = [];
    if (holdExpiresAt === null || holdExpiresAt < Date.now() + HOLD_MARGIN_MS) steps.push(() => this.newHold(holdExpiresAt !== null));
    if (ticket !== 'reserved') steps.push(() => this.newTicket());
    if (session !== 'active') steps.push(() => this.newSession());
    if (!seatFree) steps.push(() => this.newFreeSeat());
    for (const step of steps) await step();
    return steps.length > 0;
  }

  private async newHold(releaseOld = false): Promise<void> {
    // The old hold may lapse between the check and this call (an extension to a second or two): no 404 check.
    if (releaseOld) await this.http.delete(`/api/v1/holds/${this.values.get('holdId')}`).set('Authorization', this.tokens.get('admin')!);
    const [seatId] = await this.freeSeats(1);
    const held = await this.call('post', '/api/v1/holds', 'owner', { event_id: this.value('seatedEventId'), seat_ids: [seatId], ttl_seconds: 900 });
    this.values.set('holdId', held.id).set('holdFencingToken', held.fencing_token).set('heldSeatId', seatId!);
  }

  private async newTicket(): Promise<void> {
    const [seatId] = await this.freeSeats(1);
    const { tickets } = await this.call('post', '/api/v1/tickets/purchase', 'owner', { event_id: this.value('seatedEventId'), seat_id: seatId });
    this.values.set('ticketId', tickets[0].id).set('ticketSeatId', seatId!);
  }

  /** Joins the owner (or finds their live entry) and admits everyone waiting, the owner included. */
  private async newSession(): Promise<void> {
    const queued = this.value('queuedEventId');
    const joined = await this.call('post', '/api/v1/queue/join', 'owner', { event_id: queued });
    await this.call('post', `/api/v1/queue/process/${queued}`, 'admin', { count: 10_000 });
    this.values.set('sessionId', joined.session_id);
  }

  private async newFreeSeat(): Promise<void> {
    this.values.set('seatId', (await this.freeSeats(1))[0]!);
  }

  /** Seats of the seated event free to hold; adds seats when successful requests have taken them all. */
  private async freeSeats(count: number): Promise<string[]> {
    const url = `/api/v1/events/${this.value('seatedEventId')}/seats`;
    // A page of available seats may be short (held seats are filtered out after paging): ask for plenty.
    const available = async (): Promise<string[]> => ((await this.http.get(`${url}/available?limit=10000`)).body.seats ?? []).map((seat: { id: string }) => seat.id);
    let free = await available();
    if (free.length < count) {
      await this.call('post', url, 'admin', { seats: seatBodies(10, `F${randomUUID().slice(0, 8)}`) });
      free = await available();
    }
    return free.slice(0, count);
  }
}
