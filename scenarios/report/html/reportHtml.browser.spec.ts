// The report page in a real browser (Debian's headless Chromium, driven by playwright-core): it
// loads offline with no errors, draws every chart and lists the matrix. No server is involved.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN } from '../testing.ts';
import { renderReportHtml } from './renderHtml.ts';
import { buildScenarioView } from './scenarioView.ts';
import { NO_ARTIFACTS, syntheticArtifacts } from './testing.ts';

const CHROMIUM = '/usr/bin/chromium';
type Canvas = {
  width: number;
  height: number;
  getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
};
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const present = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';
// Outside CI a machine without Chromium skips (and says so); in CI the beforeAll below fails the test.
if (!present && !inCi) console.warn(`report.html browser test skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);

// Results 0 and 2 have data (2 has a lost event on u-1); 1 has none; 3 is a harness error.
const views = RUN.results.map((r, i) => buildScenarioView(r, i === 0 || i === 2 ? syntheticArtifacts(i === 2) : NO_ARTIFACTS, i));
const WITH_DATA = [views[0]!.id, views[2]!.id];

describe.skipIf(!present && !inCi)('report.html in headless Chromium', () => {
  let browser: Browser | undefined;
  let dir = '';
  beforeAll(async () => {
    if (!present) throw new Error(`${CHROMIUM} not found: install it with \`apt-get install -y chromium\` (CI must run this test)`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    dir = mkdtempSync(join(tmpdir(), 'report-html-'));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads offline, draws every chart and lists the matrix', async () => {
    const file = join(dir, 'report.html');
    writeFileSync(file, renderReportHtml(RUN, views));
    const url = pathToFileURL(file).href;
    const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.route(/^(https?|wss?|ftp):/, (route) => route.abort()); // blocked, and recorded above
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => (globalThis as unknown as { __faultline?: { done?: boolean } }).__faultline?.done === true, null, {
      timeout: 10_000,
    });

    const shot = process.env.FAULTLINE_SCREENSHOT; // to look at it: FAULTLINE_SCREENSHOT=reports/x.png
    if (shot) await page.screenshot({ path: shot, fullPage: true });

    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);

    // the matrix: one row per scenario, one column per configuration run, verdict colours
    expect(await page.$$eval('#matrix tbody tr', (rs) => rs.map((r) => r.getAttribute('data-scenario')))).toEqual([
      'broker-outage',
      'kill|projector',
    ]);
    expect(await page.$$eval('#matrix thead th', (hs) => hs.map((h) => h.textContent))).toEqual([
      'scenario',
      'outbox/effectively-once',
      'outbox/at-least-once',
      'dual-write/effectively-once',
    ]);
    expect(await page.$$eval('#matrix tbody tr', (rs) => rs.map((r) => [...r.querySelectorAll('td')].map((td) => td.className)))).toEqual([
      ['v-pass', 'v-none', 'v-expected'],
      ['v-fail', 'v-fail', 'v-none'],
    ]);

    // every chart of the results with data drew its series: a sized canvas with the first series' colour on it
    const drawn = await page.evaluate(
      () => (globalThis as unknown as { __faultline: { charts: { id: string; points: number; width: number }[] } }).__faultline.charts,
    );
    const expected = WITH_DATA.flatMap((id) => ['throughput', 'latency', 'backlog', 'dead'].map((k) => `chart-${id}-${k}`));
    expect(drawn.map((c) => c.id).sort()).toEqual(expected.sort());
    for (const c of drawn) expect(c.points, c.id).toBeGreaterThan(10);
    for (const id of expected) {
      const box = await page.locator(`#${id} canvas`).boundingBox();
      expect(box?.width, id).toBeGreaterThan(300);
      expect(box?.height, id).toBeGreaterThan(100);
      const coloured = await page.$eval(`#${id} canvas`, (cv) => {
        const c = cv as unknown as Canvas; // the tsconfig has no DOM lib
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4)
          if (Math.abs(d[i]! - 0x1f) < 30 && Math.abs(d[i + 1]! - 0x6f) < 30 && Math.abs(d[i + 2]! - 0xb2) < 30 && d[i + 3]! > 100) n++;
        return n;
      });
      expect(coloured, `${id}: pixels of the first series`).toBeGreaterThan(20);
    }
    // results without data say so instead of drawing an empty chart
    expect(await page.locator(`#chart-${views[1]!.id}-throughput`).textContent()).toContain('No data sampled');

    // the lost event's stream: a sized SVG with a "lost" mark, and its row marked lost
    const svg = page.locator(`#${views[2]!.id} svg.stream`);
    const svgBox = await svg.boundingBox();
    expect(svgBox?.width).toBeGreaterThan(300);
    expect(await svg.locator('.mark[data-lane="lost"]').count()).toBe(1);
    expect(await page.locator(`#${views[2]!.id} table.events tr.state-lost`).count()).toBe(1);
    expect(await page.locator(`#${views[0]!.id} code.replay`).textContent()).toBe('npm run scenario -- broker-outage --seed 7');
    await page.close();
  }, 60_000);
});
