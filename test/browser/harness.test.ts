import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { collectConsoleErrors, launchBrowser, startServer, type TestServer } from './harness.ts';

let server: TestServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test('Vite serves a fixture page that Chromium runs', async () => {
  expect(server!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await browser!.newPage();
  const errors = collectConsoleErrors(page);
  const response = await page.goto(new URL('test/browser/fixtures/blank.html', server!.url).href);
  expect(response?.status()).toBe(200);
  // string expressions avoid the esbuild `__name` pitfall (see harness.ts)
  await page.waitForFunction('window.__ok === 42');
  expect(await page.evaluate('window.__ok')).toBe(42);
  expect(errors).toEqual([]);
  await page.close();
});

test('collectConsoleErrors records console.error and uncaught errors', async () => {
  const page = await browser!.newPage();
  const errors = collectConsoleErrors(page);
  await page.goto(new URL('test/browser/fixtures/blank.html', server!.url).href);
  await page.evaluate('console.error("boom"); setTimeout(() => { throw new Error("kaput"); }, 0);');
  await expect.poll(() => errors.length).toBe(2);
  expect(errors[0]).toContain('boom');
  expect(errors[1]).toContain('pageerror: Error: kaput');
  await page.close();
});
