/**
 * Shared parts of the page's browser tests (sandbox.test.ts, world.test.ts): one Vite server and
 * one Chromium per test file (`pageSuite()` registers them), opening the page, screenshots to
 * test-artifacts/, and small readers of the page's test hook.
 */
import { afterAll, beforeAll } from 'vitest'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { REPO_ROOT, collectConsoleErrors, launchBrowser, startServer, type TestServer } from './harness.ts'
import { decodePng, type Rgba } from './png.ts'

export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts')
export const BACKGROUND = 0x0b0e14 // src/view/colors.ts BACKGROUND
export const VIEWPORT = { width: 1100, height: 700 }

export interface PageSuite {
  browser(): Browser
  server(): TestServer
  /** Open the page (default: the quickstart, paused) and wait until it is ready or has failed. */
  open(query?: string, viewport?: { width: number; height: number }): Promise<{ page: Page; errors: string[] }>
}

/** Call at the top of a test file: starts the server and the browser for its tests. */
export function pageSuite(): PageSuite {
  let server: TestServer | undefined
  let browser: Browser | undefined
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    server = await startServer()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })
  return {
    browser: () => browser!,
    server: () => server!,
    async open(query = '?paused=1', viewport = VIEWPORT) {
      const page = await browser!.newPage({ viewport, acceptDownloads: true })
      const errors = collectConsoleErrors(page)
      await page.goto(new URL(`index.html${query}`, server!.url).href)
      await page.waitForFunction('window.__neuroplast && (window.__neuroplast.ready || window.__neuroplast.errors.length > 0 && !window.__neuroplast.sim)', undefined, { timeout: 60_000 })
      return { page, errors }
    },
  }
}

/** Screenshot of the tissue canvas, kept as an artefact and decoded. */
export async function shot(page: Page, name: string): Promise<Rgba> {
  const png = await page.locator('#stage canvas').screenshot()
  writeFileSync(join(ARTIFACTS, name), png)
  return decodePng(png)
}

export type Cam = { zoom: number; cx_um: number; cy_um: number; pxPerUm: number; level: string }
export const cam = (page: Page) => page.evaluate('window.__neuroplast.camera()') as Promise<Cam>
export const stats = (page: Page) => page.evaluate('window.__neuroplast.viewStats()') as Promise<Record<string, Record<string, number>>>
/** Page position of a tissue point (µm). */
export const xy = (page: Page, x: number, y: number) => page.evaluate(`window.__neuroplast.pageXY(${x}, ${y})`) as Promise<{ x: number; y: number }>
/** Position (µm) of neuron n. */
export const neuronAt = (page: Page, n: number) =>
  page.evaluate(`(() => { const P = window.__neuroplast.sim.components.Position; return { x: P.x_um[${n}], y: P.y_um[${n}] } })()`) as Promise<{ x: number; y: number }>
export const canvasCenter = async (page: Page) => {
  const b = (await page.locator('#stage canvas').boundingBox())!
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 }
}

/** Mean weight of the live synapses of a pathway onto a population (by their indices in the scene). */
export const meanWeight = (page: Page, pathway: number, postPopulation: number) =>
  page.evaluate(`(() => {
    const sim = window.__neuroplast.sim, S = sim.components.Synapse, N = sim.components.Neuron
    let sum = 0, n = 0
    for (let s = 1; s < S.alive.length; s++) if (S.alive[s] && S.pathway[s] === ${pathway} && N.population[S.post[s]] === ${postPopulation}) { sum += S.weight[s]; n++ }
    return n ? sum / n : NaN
  })()`) as Promise<number>

/** Spikes of a population in the events ring since event index `from`. */
export const spikesOf = (page: Page, population: number, from: number) =>
  page.evaluate(`(() => {
    const sim = window.__neuroplast.sim, ev = sim.events, N = sim.components.Neuron
    let n = 0
    for (let i = ${from}; i < ev.total; i++) { const k = i & (ev.capacity - 1); if (ev.kind[k] === 1 && N.population[ev.a[k]] === ${population}) n++ }
    return n
  })()`) as Promise<number>
export const eventsTotal = (page: Page) => page.evaluate('window.__neuroplast.sim.events.total') as Promise<number>

// A small plastic slice: Schaffer → CA1 synapses under the NMDA/calcium-control rule (Shouval, Bear
// & Cooper 2002) on LIF CA1 cells — the scene option the plasticity scenarios use.
export const PLASTIC_SLICE = '?scene=hippocampalSlice&params={"nCA3":40,"nCA1":20,"nInterneurons":4,"plasticity":"calciumControl","ca1Model":"lif"}&paused=1&seed=2'

/** Through the page's own controls: place an electrode over CA3 S1, fire HFS, run 1.05 s. */
export async function hfsOnS1(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Place electrode' }).click()
  await page.getByLabel('Radius (µm)', { exact: true }).fill('270')
  await page.getByLabel('Targets').selectOption({ label: 'CA3 S1' })
  const at = await xy(page, 350, 255)
  await page.mouse.click(at.x, at.y)
  await page.getByLabel('Protocol').selectOption('HFS')
  await page.getByRole('button', { name: 'Fire' }).click()
  for (let i = 0; i < 21; i++) await page.evaluate('window.__neuroplast.stepN(500)')
}
