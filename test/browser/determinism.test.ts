/**
 * Determinism across engines: the same scene + seed run for the same number of steps gives the same
 * state hash in Node (this test process) and in headless Chromium (the page, stepped through its
 * test hook). Every scene in the registry is checked at a small size, and so is the page's default
 * scene (the quickstart scenario, through the scenario runner, across the start of its HFS train).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { REPO_ROOT, collectConsoleErrors, launchBrowser, startServer, type TestServer } from './harness.ts'
import { SCENES } from '../../scenes/index.ts'
import { createSim } from '../../src/engine/world.ts'
import { runSteps } from '../../src/engine/pipeline.ts'
import { stateHash, stateHashParts } from '../../src/engine/hash.ts'
import { parseScenario } from '../../src/scenario/parse.ts'
import { createRun } from '../../src/scenario/runner.ts'

/** Small sizes per scene (a scene missing here runs at its defaults). */
const SMALL: Record<string, Record<string, unknown>> = {
  hippocampalSlice: { nCA3: 40, nCA1: 20, nInterneurons: 6 },
  corticalSheet: { n: 150, synapsesPerNeuron: 15 },
  izhikevich2003: { ne: 60, ni: 15 },
  // Poisson spike sources + STDP, and the iSTDP network, at a few neurons (defaults: 1200 sources; 10 000 neurons).
  songAbbott: { nExc: 50, nInh: 10, rates_Hz: [40] },
  vogels2011: { nE: 40, epsilon: 0.3, istdpOnset_ms: 10 },
}
const SEED = 3
const STEPS = 400

let server: TestServer | undefined
let browser: Browser | undefined

beforeAll(async () => {
  server = await startServer()
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function openPaused(query: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 480, height: 320 } })
  const errors = collectConsoleErrors(page)
  await page.goto(new URL(`index.html?${query}&paused=1`, server!.url).href)
  await page.waitForFunction('window.__neuroplast && (window.__neuroplast.ready || window.__neuroplast.errors.length > 0)', undefined, { timeout: 60_000 })
  expect(await page.evaluate('window.__neuroplast.errors')).toEqual([])
  expect(await page.evaluate('window.__neuroplast.ready')).toBe(true)
  return { page, errors }
}

const HINT =
  'Node and Chromium disagree. If only "stores" differs, suspect transcendental Math functions ' +
  '(Math.exp, log, cos, pow, …): different V8 versions may differ in their last bit; simulation code ' +
  'needs its own pure-arithmetic versions to be bit-identical everywhere.'

const pageHash = (page: Page) => page.evaluate('window.__neuroplast.stateHash()') as Promise<string>
const pageParts = (page: Page) => page.evaluate('window.__neuroplast.stateHashParts()') as Promise<Record<string, string>>

/** Every registry scene, plus variants that take code paths the defaults do not. */
const CASES: { label: string; name: string; params: Record<string, unknown> }[] = [
  ...Object.keys(SCENES).map((name) => ({ label: name, name, params: SMALL[name] ?? {} })),
  // λ = 10 kHz × 0.1 ms = 1 event per step: the background drive draws Poisson counts per step.
  { label: 'corticalSheet, high-rate drive', name: 'corticalSheet', params: { ...SMALL.corticalSheet, driveRate_Hz: 10000, driveWeight_nS: 0.1 } },
]

describe('same state hash in Node and in Chromium', () => {
  for (const { label, name, params } of CASES) {
    test(`${label} (seed ${SEED}, ${STEPS} steps)`, async () => {
      const sim = createSim(SCENES[name]!(params), SEED)
      const h0 = stateHash(sim)
      runSteps(sim, STEPS)
      const hN = stateHash(sim)
      expect(hN).not.toBe(h0) // the run changed the world, so equal hashes below mean something
      // The high-rate variant really takes the per-step count path (no pending event time is kept).
      if (label.includes('high-rate')) expect(sim.components.Drive.nextEvent_ms[1]).toBe(-1)

      const { page, errors } = await openPaused(`scene=${name}&params=${encodeURIComponent(JSON.stringify(params))}&seed=${SEED}`)
      expect(await page.evaluate('window.__neuroplast.sceneName')).toBe(name)
      expect(await pageHash(page)).toBe(h0)
      // In two slices, with a render in between: the view must not disturb the world.
      await page.evaluate(`window.__neuroplast.stepN(${STEPS / 2})`)
      await page.evaluate(`window.__neuroplast.stepN(${STEPS / 2})`)
      expect(await page.evaluate('window.__neuroplast.sim.time.step')).toBe(STEPS)
      const hP = await pageHash(page)
      if (hP !== hN) expect(await pageParts(page), HINT).toEqual({ ...stateHashParts(sim) }) // say which part differs
      expect(hP).toBe(hN)
      expect(errors).toEqual([])
      await page.close()
    })
  }

  test('the default page: quickstart scenario through the runner, into its HFS train', async () => {
    const file = 'scenes/quickstart.yaml'
    const scenario = parseScenario(readFileSync(join(REPO_ROOT, file), 'utf8'), file)
    const run = createRun(scenario, { scenes: SCENES, seed: SEED })
    const train = scenario.timeline.find((a) => a.kind === 'stimulate')
    // Through the first few pulses of the first stimulation (or 500 steps without one).
    const steps = train ? Math.round((train.at_ms + 25) / run.sim.time.dt_ms) : 500
    const h0 = stateHash(run.sim)
    run.advance(steps)
    expect(run.sim.time.step).toBe(steps)
    const hN = stateHash(run.sim)
    expect(hN).not.toBe(h0)

    const { page, errors } = await openPaused(`seed=${SEED}`)
    expect(await page.evaluate('window.__neuroplast.scenario.file')).toBe(file)
    expect(await pageHash(page)).toBe(h0)
    await page.evaluate(`window.__neuroplast.stepN(${steps})`)
    const hP = await pageHash(page)
    if (hP !== hN) expect(await pageParts(page), HINT).toEqual({ ...stateHashParts(run.sim) })
    expect(hP).toBe(hN)
    expect(errors).toEqual([])
    await page.close()
  })
})
