import { SignJWT } from 'jose';
import { DEVELOPMENT_JWT_SECRET } from '../internal/config/config';
import { eventBody } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const key = (secret: string) => new TextEncoder().encode(secret);

async function token(claims: Record<string, unknown>, options: { secret?: string; exp?: number; alg?: string } = {}) {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'HS256' }).setSubject(String(claims.sub ?? ''));
  if (options.exp !== 0) jwt.setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 600);
  return `Bearer ${await jwt.sign(key(options.secret ?? DEVELOPMENT_JWT_SECRET))}`;
}

describe('authentication and roles on an admin route', () => {
  const create = (authorization?: string) => {
    const req = t.http.post('/api/v1/events');
    if (authorization) req.set('Authorization', authorization);
    return req.send(eventBody());
  };

  it('401 without a token, with WWW-Authenticate', async () => {
    const res = await create().expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body).toMatchObject({ type: '/problems/unauthenticated', status: 401 });
  });

  it('401 for a malformed header, a bad signature, an expired token, or no exp', async () => {
    await create('Basic abc').expect(401);
    await create('Bearer not-a-jwt').expect(401);
    await create(await token({ sub: 'a', role: 'admin' }, { secret: 'some-other-secret-of-enough-length!!' })).expect(401);
    const expired = await create(await token({ sub: 'a', role: 'admin' }, { exp: Math.floor(Date.now() / 1000) - 60 })).expect(401);
    expect(expired.body.detail).toMatch(/expired/);
    await create(await token({ sub: 'a', role: 'admin' }, { exp: 0 })).expect(401);
  });

  it('401 for a token without a valid role or sub', async () => {
    await create(await token({ sub: 'a', role: 'superuser' })).expect(401);
    await create(await token({ sub: 'a' })).expect(401);
    await create(await token({ role: 'admin' })).expect(401);
    await create(await token({ sub: 'eve\u0000admin', role: 'admin' })).expect(401);
  });

  it('403 for a signed-in user without the admin role', async () => {
    const res = await create(await t.auth('bob', 'user')).expect(403);
    expect(res.body).toMatchObject({ type: '/problems/forbidden', status: 403 });
  });

  it('201 for an admin', async () => {
    await create(await t.admin()).expect(201);
  });

  it('refuses a token once it expires, although it was accepted before (verified tokens are cached)', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const soon = await token({ sub: 'short-lived', role: 'admin' }, { exp });
    await create(soon).expect(201);
    await create(soon).expect(201);
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 + 50 - Date.now()));
    const late = await create(soon).expect(401);
    expect(late.body.detail).toMatch(/expired/);
  });

  it('refuses a cached token whose signature was altered', async () => {
    const good = await token({ sub: 'mallory', role: 'user' });
    await create(good).expect(403);
    const [header, payload, signature] = good.slice('Bearer '.length).split('.');
    const flipped = signature!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    await create(`Bearer ${header}.${payload}.${flipped}`).expect(401);
    const elevated = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'admin' })).toString('base64url');
    await create(`Bearer ${header}.${elevated}.${signature}`).expect(401);
  });

  it('lets anyone read public routes', async () => {
    await t.http.get('/api/v1/events/active').expect(200);
  });
});
