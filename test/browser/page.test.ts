/**
 * The sandbox page in headless Chromium (software WebGL: never judge frame rates here).
 * Screenshots go to test-artifacts/ (gitignored). With UPDATE_SCREENSHOT=1 the last test also
 * writes docs/screenshot.png (the README picture: the quickstart scenario in the middle of its HFS
 * train):  UPDATE_SCREENSHOT=1 npx vitest run test/browser/page.test.ts -t screenshot
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { REPO_ROOT, collectConsoleErrors, launchBrowser, startServer, type TestServer } from './harness.ts'
import { countDiff, countNot, decodePng, type Rgba } from './png.ts'

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts')
const BACKGROUND = 0x0b0e14 // src/view/colors.ts BACKGROUND
const VIEWPORT = { width: 960, height: 600 }

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

async function open(query = '', viewport = VIEWPORT): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.newPage({ viewport })
  const errors = collectConsoleErrors(page)
  await page.goto(new URL(`index.html${query}`, server!.url).href)
  await page.waitForFunction('window.__neuroplast && (window.__neuroplast.ready || window.__neuroplast.errors.length > 0 && !window.__neuroplast.sim)', undefined, { timeout: 60_000 })
  return { page, errors }
}

async function shot(page: Page, name: string): Promise<Rgba> {
  const png = await page.locator('#stage canvas').screenshot()
  writeFileSync(join(ARTIFACTS, name), png)
  return decodePng(png)
}

const time = (page: Page) => page.evaluate('window.__neuroplast.time_ms()') as Promise<number>

test('the default page loads without console errors and draws the tissue', async () => {
  const { page, errors } = await open('?paused=1')
  expect(await page.evaluate('window.__neuroplast.ready')).toBe(true)
  expect(await page.evaluate('window.__neuroplast.errors')).toEqual([])
  expect(await page.locator('#errors').isHidden()).toBe(true)
  // The default scene is the quickstart scenario on the hippocampal slice.
  expect(await page.evaluate('window.__neuroplast.sceneName')).toBe('hippocampalSlice')
  expect(await page.evaluate('window.__neuroplast.scenario && window.__neuroplast.scenario.file')).toBe('scenes/quickstart.yaml')
  // Every neuron and every synapse is drawn; the scenario's electrodes too.
  const counts = (await page.evaluate(
    '({ neurons: window.__neuroplast.sim.indices.neurons.ids.length, synapses: window.__neuroplast.sim.synapseCount, electrodes: window.__neuroplast.scenario.electrodes.length, view: window.__neuroplast.viewStats() })',
  )) as { neurons: number; synapses: number; electrodes: number; view: Record<string, Record<string, number>> }
  expect(counts.neurons).toBeGreaterThan(0)
  expect(counts.view.somata!.neurons).toBe(counts.neurons)
  expect(counts.view.somata!.excitatory! + counts.view.somata!.inhibitory!).toBe(counts.neurons)
  expect(counts.view.somata!.inhibitory).toBeGreaterThan(0)
  expect(counts.view.synapses!.lines).toBe(counts.synapses)
  expect(counts.view.electrodes!.electrodes).toBe(counts.electrodes)
  // HUD: scene name and both clocks.
  expect(await page.locator('#scene-name').textContent()).toContain('hippocampalSlice')
  expect(await page.locator('#clock').textContent()).toBe('t = 0.000 s · slow: day 1, 00:00')
  // The canvas is not blank: a few per cent of it is tissue, not background.
  const img = await shot(page, 'page-default.png')
  const lit = countNot(img, BACKGROUND)
  expect(lit / (img.width * img.height)).toBeGreaterThan(0.01)
  expect(errors).toEqual([])
  await page.close()
})

test('the picture changes as the tissue runs', async () => {
  const { page, errors } = await open('?paused=1')
  const h0 = (await page.evaluate('window.__neuroplast.stateHash()')) as string
  const a = await shot(page, 'page-step-0.png')
  // Just past the start of the scenario's HFS train (at 500 ms), so cells fire and synapses light up.
  await page.evaluate('window.__neuroplast.stepN(5020)')
  const b = await shot(page, 'page-step-5020.png')
  await page.evaluate('window.__neuroplast.stepN(10)')
  const c = await shot(page, 'page-step-5030.png')
  expect(await time(page)).toBeCloseTo(503, 6)
  expect(await page.evaluate('window.__neuroplast.stateHash()')).not.toBe(h0)
  expect(countDiff(a, b)).toBeGreaterThan(200)
  expect(countDiff(b, c)).toBeGreaterThan(50)
  expect(await page.locator('#clock').textContent()).toMatch(/^t = 0\.503 s · slow: day 1, 00:00$/)
  expect(errors).toEqual([])
  await page.close()
})

test('pause stops time; Space, the Play button and the Right arrow control it', async () => {
  const { page, errors } = await open()
  // Playing by default: time advances on its own.
  await page.waitForFunction('window.__neuroplast.time_ms() > 0')
  await page.evaluate('window.__neuroplast.pause()')
  const t1 = await time(page)
  const frames1 = (await page.evaluate('window.__neuroplast.frames')) as number
  const clock1 = await page.locator('#clock').textContent()
  // The page keeps running frames while paused, but time stands still and nothing is redrawn.
  const renders1 = (await page.evaluate('window.__neuroplast.renders()')) as number
  await page.waitForFunction(`window.__neuroplast.frames > ${frames1 + 5}`)
  expect(await time(page)).toBe(t1)
  expect(await page.evaluate('window.__neuroplast.renders()')).toBe(renders1)
  expect(await page.locator('#clock').textContent()).toBe(clock1)
  const still1 = await shot(page, 'page-paused-1.png')
  await page.waitForFunction(`window.__neuroplast.frames > ${frames1 + 10}`)
  const still2 = await shot(page, 'page-paused-2.png')
  expect(countDiff(still1, still2)).toBe(0) // a paused world is a still picture

  const play = page.getByRole('button', { name: /play the simulation/i })
  expect(await play.textContent()).toBe('Play')
  await play.click()
  expect(await page.evaluate('window.__neuroplast.playing')).toBe(true)
  await page.waitForFunction(`window.__neuroplast.time_ms() > ${t1}`)
  expect(await page.getByRole('button', { name: /pause the simulation/i }).textContent()).toBe('Pause')

  // Keyboard, with focus on the page (not on a control): Space toggles, Right arrow steps.
  await page.locator('#stage').click()
  await page.keyboard.press('Space')
  expect(await page.evaluate('window.__neuroplast.playing')).toBe(false)
  const t2 = await time(page)
  const dt = (await page.evaluate('window.__neuroplast.sim.time.dt_ms')) as number
  await page.keyboard.press('ArrowRight')
  expect(await time(page)).toBeCloseTo(t2 + dt, 9)
  await page.getByRole('button', { name: /^step/i }).click()
  expect(await time(page)).toBeCloseTo(t2 + 2 * dt, 9)
  await page.keyboard.press('Space')
  expect(await page.evaluate('window.__neuroplast.playing')).toBe(true)
  await page.waitForFunction(`window.__neuroplast.time_ms() > ${t2 + 2 * dt}`)

  // The speed control sets the number of fast steps per frame.
  await page.evaluate('window.__neuroplast.pause()')
  await page.getByLabel('Speed').selectOption('1')
  const t3 = await time(page)
  await page.evaluate('window.__neuroplast.play()')
  const f3 = (await page.evaluate('window.__neuroplast.frames')) as number
  await page.waitForFunction(`window.__neuroplast.frames > ${f3 + 3}`)
  await page.evaluate('window.__neuroplast.pause()')
  const frames = ((await page.evaluate('window.__neuroplast.frames')) as number) - f3
  const steps = Math.round(((await time(page)) - t3) / dt)
  expect(steps).toBeGreaterThan(0)
  expect(steps).toBeLessThanOrEqual(frames + 1)
  expect(errors).toEqual([])
  await page.close()
})

test('a bad ?scene= shows a clear error, and the default scene still runs', async () => {
  const { page, errors } = await open('?scene=noSuchScene')
  const box = page.getByRole('alert')
  expect(await box.isVisible()).toBe(true)
  const text = (await box.textContent()) ?? ''
  expect(text).toContain('"scene"')
  expect(text).toContain('noSuchScene')
  expect(text).toContain('hippocampalSlice') // lists the known scenes
  expect(await page.evaluate('window.__neuroplast.ready')).toBe(true)
  expect(await page.evaluate('window.__neuroplast.scenario.file')).toBe('scenes/quickstart.yaml')
  await page.waitForFunction('window.__neuroplast.time_ms() > 0')
  await page.getByRole('button', { name: 'Dismiss' }).click()
  expect(await box.isHidden()).toBe(true)
  expect(errors).toEqual([])
  await page.close()

  // Bad parameters of a real scene, a bad seed, and bad JSON: each named, the page still runs.
  const bad = await open('?scene=corticalSheet&params={"n":"many"}&seed=-3')
  const t2 = (await bad.page.getByRole('alert').textContent()) ?? ''
  expect(t2).toContain('scene parameter "n"')
  expect(t2).toContain('"seed"')
  expect(await bad.page.evaluate('window.__neuroplast.ready')).toBe(true)
  expect(await bad.page.evaluate('window.__neuroplast.sceneName')).toBe('hippocampalSlice')
  await bad.page.close()
  const json = await open('?scene=corticalSheet&params={n:5}&paused=1')
  expect((await json.page.getByRole('alert').textContent()) ?? '').toContain('"params": not valid JSON')
  await json.page.close()
})

test('a bare scene opens from the URL', async () => {
  const { page, errors } = await open('?scene=corticalSheet&params={"n":150,"synapsesPerNeuron":20}&seed=5&paused=1')
  expect(await page.evaluate('window.__neuroplast.sceneName')).toBe('corticalSheet')
  expect(await page.evaluate('window.__neuroplast.scenario')).toBe(null)
  expect(await page.evaluate('window.__neuroplast.sim.seed')).toBe('5')
  const stats = (await page.evaluate('window.__neuroplast.viewStats()')) as Record<string, Record<string, number>>
  expect(stats.somata!.neurons).toBe(150)
  expect(stats.synapses!.lines).toBe(await page.evaluate('window.__neuroplast.sim.synapseCount'))
  expect(await page.locator('#scene-name').textContent()).toBe('corticalSheet')
  await shot(page, 'page-cortical-sheet.png')
  expect(await page.locator('#errors').isHidden()).toBe(true)
  expect(errors).toEqual([])
  await page.close()
})

test('after the scenario ends, the tissue keeps living', async () => {
  const { page, errors } = await open('?paused=1')
  const dt = (await page.evaluate('window.__neuroplast.sim.time.dt_ms')) as number
  const end = Math.round(((await page.evaluate('window.__neuroplast.scenario.duration_ms')) as number) / dt)
  await page.evaluate(`window.__neuroplast.stepN(${end - 1})`)
  expect(await page.evaluate('window.__neuroplast.phase()')).toBe('scenario')
  await page.evaluate('window.__neuroplast.stepN(51)')
  expect(await page.evaluate('window.__neuroplast.phase()')).toBe('free')
  expect(await page.evaluate('window.__neuroplast.sim.time.step')).toBe(end + 50)
  await page.evaluate('window.__neuroplast.play()')
  await page.waitForFunction(`window.__neuroplast.sim.time.step > ${end + 50}`)
  expect(await page.locator('#phase').textContent()).toContain('free running')
  expect(errors).toEqual([])
  await page.close()
})

test('the synapse layer follows births and removals', async () => {
  const { page, errors } = await open('?scene=corticalSheet&params={"n":100,"synapsesPerNeuron":10}&paused=1')
  const before = (await page.evaluate('window.__neuroplast.viewStats().synapses')) as Record<string, number>
  // The engine's own entity functions (the same module instance the page uses, served by Vite).
  await page.evaluate(`(async () => {
    const E = await import('/src/engine/entities.ts')
    const sim = window.__neuroplast.sim
    const S = sim.components.Synapse
    let removed = 0
    for (let s = 1; s < S.alive.length && removed < 7; s++) if (S.alive[s]) { E.removeSynapse(sim, s); removed++ }
    const ids = E.neuronIds(sim)
    E.addSynapse(sim, ids[0], ids[1], { weight: 0.4 })
    window.__neuroplast.stepN(1)
  })()`)
  const after = (await page.evaluate('window.__neuroplast.viewStats().synapses')) as Record<string, number>
  expect(after.rebuilds).toBe(before.rebuilds! + 1)
  expect(after.lines).toBe(before.lines! - 6)
  expect(after.lines).toBe(await page.evaluate('window.__neuroplast.sim.synapseCount'))
  expect(errors).toEqual([])
  await page.close()
})

test('screenshot of the quickstart scenario mid-HFS', async () => {
  const { page, errors } = await open('?paused=1', { width: 960, height: 600 })
  // In the middle of the first train of the scenario's timeline, at the moment of a pulse period
  // when most cells glow: frames of 10 steps (the page's default speed) are played through one
  // period to find that moment, and two periods later the run stops at the same phase.
  const plan = (await page.evaluate(`(() => {
    const h = window.__neuroplast
    const a = h.scenario.timeline.find((x) => x.kind === 'stimulate' && x.protocol.kind === 'train')
    return a ? { at_ms: a.at_ms, freq_Hz: a.protocol.freq_Hz, count: a.protocol.count, dt_ms: h.sim.time.dt_ms } : null
  })()`)) as { at_ms: number; freq_Hz: number; count: number; dt_ms: number } | null
  expect(plan, 'scenes/quickstart.yaml should stimulate with a train (HFS)').not.toBe(null)
  expect(plan!.count).toBeGreaterThanOrEqual(10)
  const frame = 10
  const period = Math.round(1000 / plan!.freq_Hz / plan!.dt_ms)
  const pulse = Math.round((plan!.at_ms + (Math.floor(plan!.count / 2) * 1000) / plan!.freq_Hz) / plan!.dt_ms)
  const start = pulse - 3 * frame
  await page.evaluate(`window.__neuroplast.stepN(${start})`)
  let best = 0
  let bestGlow = -1
  for (let i = 0; i < Math.ceil(period / frame); i++) {
    await page.evaluate(`window.__neuroplast.stepN(${frame})`)
    const glow = (await page.evaluate('window.__neuroplast.viewStats().somata.flashing')) as number
    if (glow > bestGlow) [best, bestGlow] = [i, glow]
  }
  const target = start + (best + 1) * frame + 2 * period
  const now = (await page.evaluate('window.__neuroplast.sim.time.step')) as number
  await page.evaluate(`window.__neuroplast.stepN(${target - 3 * frame - now})`)
  for (let i = 0; i < 3; i++) await page.evaluate(`window.__neuroplast.stepN(${frame})`)
  expect(await page.evaluate('window.__neuroplast.sim.time.step')).toBe(target)
  const stats = (await page.evaluate('window.__neuroplast.viewStats()')) as Record<string, Record<string, number>>
  expect(await page.evaluate('window.__neuroplast.phase()')).toBe('scenario')
  expect(stats.somata!.flashing).toBeGreaterThan(0)
  expect(stats.synapses!.active).toBeGreaterThan(0)
  const png = await page.screenshot()
  writeFileSync(join(ARTIFACTS, 'quickstart-hfs.png'), png)
  const img = decodePng(png)
  expect(countNot(img, BACKGROUND) / (img.width * img.height)).toBeGreaterThan(0.02)
  if (process.env.UPDATE_SCREENSHOT === '1') {
    const out = join(REPO_ROOT, 'docs', 'screenshot.png')
    expect(png.byteLength, 'docs/screenshot.png must stay under 300 KB').toBeLessThan(300 * 1024)
    writeFileSync(out, png)
    expect(statSync(out).size).toBe(png.byteLength)
  }
  expect(errors).toEqual([])
  await page.close()
})
