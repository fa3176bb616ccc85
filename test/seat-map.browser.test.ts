import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createEvent, seatBodies } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
if (!available) console.warn(`seat-map browser test skipped: no ${CHROMIUM} (apt-get install chromium)`);

// As the machine notes say: no background networking, or Chromium keeps dialling out on a closed network.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

(available ? describe : describe.skip)('seat-map page in Chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp();
    base = await t.listen();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function openAs(userId: string, eventId: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${base}/?event=${eventId}`);
    await page.fill('#token', (await t.auth(userId)).slice('Bearer '.length));
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('[data-seat]');
    return page;
  }

  it('shows a seat held in one page as held in another, live', async () => {
    const event = await createEvent(t, { name: 'Browser Night' });
    const layout = [...seatBodies(48, 'A', 12), ...seatBodies(48, 'B', 12)];
    await t.http.post(`/api/v1/events/${event.id}/seats`).set('Authorization', await t.admin()).send({ seats: layout }).expect(201);
    const seats = (await t.http.get(`/api/v1/events/${event.id}/seats`)).body.seats as Array<{ id: string }>;
    const seat = seats[17]!;
    const alice = await openAs('browser-alice', event.id);
    const bob = await openAs('browser-bob', event.id);
    await bob.waitForSelector(`[data-seat="${seat.id}"][data-status="available"]`);

    await alice.click(`[data-seat="${seat.id}"]`);
    expect(await alice.getAttribute(`[data-seat="${seat.id}"]`, 'aria-pressed')).toBe('true');
    const started = Date.now();
    await alice.click('#hold');
    await alice.waitForSelector(`[data-seat="${seat.id}"][data-status="mine"]`);
    await bob.waitForSelector(`[data-seat="${seat.id}"][data-status="held"]`, { timeout: 5_000 });
    console.log(`seat turned held in the other page after ${Date.now() - started} ms (click to paint)`);
    expect(await bob.getAttribute(`[data-seat="${seat.id}"]`, 'aria-label')).toMatch(/: held$/);
    await bob.waitForSelector('#counts:has-text("1 held")');

    // Bob cannot pick Alice's seat.
    await bob.click(`[data-seat="${seat.id}"]`);
    expect(await bob.getAttribute(`[data-seat="${seat.id}"]`, 'aria-pressed')).toBe('false');

    // `UPDATE_SCREENSHOT=1 npx jest test/seat-map` refreshes the picture in docs/.
    if (process.env.UPDATE_SCREENSHOT) {
      mkdirSync(resolve(__dirname, '../docs'), { recursive: true });
      await alice.screenshot({ path: resolve(__dirname, '../docs/seat-map.png'), fullPage: true });
    }
  }, 60_000);
});
