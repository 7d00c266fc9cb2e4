/**
 * Helpers for browser end-to-end tests (run by vitest, project "browser").
 *
 *   const server = await startServer();          // Vite dev server, repo root
 *   const browser = await launchBrowser();       // system Chromium, headless
 *   const page = await browser.newPage();
 *   const errors = collectConsoleErrors(page);   // fills as the page runs
 *   await page.goto(new URL('index.html', server.url).href);
 *   ...
 *   expect(errors).toEqual([]);
 *   await browser.close(); await server.close();  // in afterAll
 *
 * `server.url` always ends with '/', e.g. 'http://127.0.0.1:41237/'.
 *
 * PITFALL — page.evaluate / waitForFunction and `__name`:
 *   Functions passed to page.evaluate() are serialised with .toString() and run
 *   in the page. When code is transpiled by tsx/esbuild (keepNames: e.g. scripts
 *   run with `node --import tsx`), named functions and classes defined *inside*
 *   the callback get wrapped in `__name(fn, "fn")`, a helper that exists in Node
 *   but not in the page, so the evaluate throws
 *   "ReferenceError: __name is not defined". (Vitest 5's own transform does not
 *   do this today, but don't rely on it: the same helpers may be reused from
 *   tsx-run scripts, and transformers change.)
 *   Prefer string expressions:            page.evaluate('window.__ok')
 *   or plain arrow functions without nested named functions/classes:
 *                                          page.evaluate(() => document.title)
 *   Do NOT write: page.evaluate(() => { function f() {...}; return f(); })
 *   (nor `const f = () => ...` inside — esbuild names those too).
 *
 * Chromium comes from the OS (`apt-get install -y chromium`), not from a
 * Playwright download; if it is missing the tests fail loudly (never skip).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

/** Absolute path of the repository root (where index.html lives). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestServer {
  /** Base URL with trailing slash, e.g. http://127.0.0.1:41237/ */
  url: string;
  close(): Promise<void>;
}

/**
 * Start a Vite dev server on 127.0.0.1 with a free port, rooted at the repo
 * root (so it uses vite.config.* there if present). Any page in the repo can be
 * opened, e.g. `${url}index.html` or `${url}test/browser/fixtures/blank.html`.
 */
export async function startServer(): Promise<TestServer> {
  const server = await createServer({
    root: REPO_ROOT,
    mode: 'development',
    logLevel: 'error',
    clearScreen: false,
    server: {
      host: '127.0.0.1',
      port: 0, // let the OS pick a free port
      strictPort: true,
      open: false,
      watch: null, // no file watching needed in tests
    },
  });
  try {
    await server.listen();
  } catch (err) {
    await server.close();
    throw err;
  }
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') {
    await server.close();
    throw new Error('startServer: Vite dev server has no TCP address');
  }
  const url = `http://127.0.0.1:${address.port}/`;
  let closed = false;
  return {
    url,
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
    },
  };
}

/** Launch the system Chromium headless. Throws if it is not installed. */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Browser tests need the system Chromium: ` +
        'run `apt-get update && apt-get install -y chromium` (Debian/Ubuntu).',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/**
 * Start recording problems on `page`: console messages of type 'error' and
 * uncaught page errors ("pageerror: ..."). Returns the (live) array; check it
 * at the end of the test. 404s for /favicon.ico are ignored.
 * Call it before page.goto() so that load-time errors are captured.
 */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const where = msg.location().url ?? '';
    if (where.includes('favicon.ico') || text.includes('favicon.ico')) return;
    errors.push(where ? `${text} (${where})` : text);
  });
  page.on('pageerror', (err) => {
    errors.push(`pageerror: ${err.stack ?? err.message}`);
  });
  return errors;
}
