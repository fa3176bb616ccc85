import { createEvent } from './fixtures';
import type { TestApp } from './test-app';

/** Waiting-room calls through HTTP, shared by the queue test files (getters: the app starts in beforeAll). */
export function queueHttp(app: () => TestApp, admin: () => string) {
  return {
    // admit_per_minute 0: only an admin admits, so the running admission job never interferes.
    queued: (queue: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) =>
      createEvent(app(), { queue: { enabled: true, admit_per_minute: 0, max_active_sessions: 2, ...queue }, ...overrides }),
    join: async (eventId: string, user: string) =>
      app().http.post('/api/v1/queue/join').set('Authorization', await app().auth(user)).send({ event_id: eventId }),
    admit: (eventId: string, count: number) =>
      app().http.post(`/api/v1/queue/process/${eventId}`).set('Authorization', admin()).send({ count }).expect(200),
    length: async (eventId: string) => (await app().http.get(`/api/v1/queue/length/${eventId}`).expect(200)).body,
  };
}
