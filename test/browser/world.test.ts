/**
 * The page's world as a whole in headless Chromium: save → load of snapshot files, share links
 * (and malformed ones), the background Worker (run ahead, fast-forward), rewind, and the scene &
 * scenario panel. Screenshots go to test-artifacts/ (gitignored).
 */
import { expect, test } from 'vitest'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { REPO_ROOT, collectConsoleErrors } from './harness.ts'
import { countNot, decodePng } from './png.ts'
import {
  ARTIFACTS, BACKGROUND, PLASTIC_SLICE, VIEWPORT, cam, canvasCenter, eventsTotal, hfsOnS1, meanWeight, neuronAt, pageSuite, shot, spikesOf, stats, xy,
} from './pageHelpers.ts'

const suite = pageSuite()
const open = suite.open

test('save → reload → load restores the same state hash, and the loaded world runs on identically', async () => {
  const { page, errors } = await open()
  // Change the world through the page: an electrode, a drug, 300 ms of the scenario.
  await page.getByRole('button', { name: 'Place electrode' }).click()
  const at = await xy(page, 350, 700)
  await page.mouse.click(at.x, at.y)
  await page.getByRole('button', { name: 'Apply CNQX' }).click()
  await page.evaluate('window.__neuroplast.stepN(3000)')
  const hash = (await page.evaluate('window.__neuroplast.stateHash()')) as string
  await page.locator('#world-panel summary').click()
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save world' }).click()])
  expect(download.suggestedFilename()).toBe('hippocampalSlice-seed1-t300ms.npls')
  const file = join(ARTIFACTS, download.suggestedFilename())
  await download.saveAs(file)
  expect(await page.locator('#world-status').textContent()).toContain(hash)

  // A fresh page (t = 0), then the file through the file input.
  const b = await open()
  expect(await b.page.evaluate('window.__neuroplast.stateHash()')).not.toBe(hash)
  await b.page.locator('#world-panel summary').click()
  await b.page.setInputFiles('#load-world', file)
  await b.page.waitForFunction('window.__neuroplast.time_ms() === 300')
  expect(await b.page.evaluate('window.__neuroplast.stateHash()')).toBe(hash)
  expect(await b.page.locator('#world-status').textContent()).toContain(`state ${hash}`)
  expect(await b.page.locator('#scene-name').textContent()).toContain('from hippocampalSlice-seed1-t300ms.npls')
  expect((await stats(b.page)).electrodes!.electrodes).toBe(2) // the scenario's S1 and the placed one
  expect(await b.page.locator('[data-drug="CNQX"]').getAttribute('data-on')).toBe('true')
  expect(await b.page.evaluate('window.__neuroplast.phase()')).toBe('free')
  // Both run on to the same state. The loaded world runs free (a scenario's timeline does not travel
  // with a snapshot), so the original is stepped by plain engine steps too.
  await b.page.evaluate('window.__neuroplast.stepN(700)')
  await page.evaluate(`(async () => { const P = await import('/src/engine/pipeline.ts'); P.runSteps(window.__neuroplast.sim, 700) })()`)
  expect(await b.page.evaluate('window.__neuroplast.stateHash()')).toBe(await page.evaluate('window.__neuroplast.stateHash()'))
  await shot(b.page, 'sandbox-loaded.png')

  // A bad file (not a snapshot; a truncated one) is refused with a message; the world is unchanged.
  const before = (await b.page.evaluate('window.__neuroplast.stateHash()')) as string
  await b.page.setInputFiles('#load-world', { name: 'bad.npls', mimeType: 'application/octet-stream', buffer: Buffer.from('definitely not a snapshot') })
  const alert = b.page.getByRole('alert')
  await alert.waitFor()
  expect(await alert.textContent()).toMatch(/Could not open "bad\.npls": .+\. The current world is unchanged\./)
  const { readFileSync } = await import('node:fs')
  const bytes = readFileSync(file)
  await b.page.setInputFiles('#load-world', { name: 'cut.npls', mimeType: 'application/octet-stream', buffer: bytes.subarray(0, bytes.length - 100) })
  await b.page.waitForFunction('window.__neuroplast.errors.some((m) => m.includes("cut.npls"))')
  expect(await b.page.evaluate('window.__neuroplast.stateHash()')).toBe(before)
  expect(await b.page.evaluate('window.__neuroplast.time_ms()')).toBeCloseTo(370, 9)
  await b.page.screenshot({ path: join(ARTIFACTS, 'sandbox-bad-file.png') })
  expect(errors).toEqual([])
  expect(b.errors).toEqual([])
  await page.close()
  await b.page.close()
})

test('share links reproduce scene, seed, parameters and scenario; a malformed link shows a clear message', async () => {
  // A bare scene with parameters and a seed.
  const { page, errors } = await open('?scene=corticalSheet&params={"n":120,"synapsesPerNeuron":12}&seed=7&paused=1')
  await page.locator('#world-panel summary').click()
  await page.getByRole('button', { name: 'Share link' }).click()
  const link = await page.locator('#share-link').inputValue()
  const q = new URL(link).searchParams
  expect(q.get('scene')).toBe('corticalSheet')
  expect(JSON.parse(q.get('params')!)).toEqual({ n: 120, synapsesPerNeuron: 12 })
  expect(q.get('seed')).toBe('7')
  const hash0 = await page.evaluate('window.__neuroplast.stateHash()')
  const shared = await suite.browser().newPage({ viewport: VIEWPORT })
  const sharedErrors = collectConsoleErrors(shared)
  await shared.goto(`${link}&paused=1`)
  await shared.waitForFunction('window.__neuroplast && window.__neuroplast.ready')
  expect(await shared.evaluate('window.__neuroplast.stateHash()')).toBe(hash0)
  await shared.close()

  // The default scenario: the link names the shipped file.
  const d = await open()
  await d.page.locator('#world-panel summary').click()
  await d.page.getByRole('button', { name: 'Share link' }).click()
  const dq = new URL(await d.page.locator('#share-link').inputValue()).searchParams
  expect(dq.get('scenario')).toBe('scenes/quickstart.yaml')
  expect(dq.get('seed')).toBe('1')

  // An opened scenario file travels in the link as text.
  const { readFileSync } = await import('node:fs')
  const tour = readFileSync(join(REPO_ROOT, 'scenes/examples/slice-tour.yaml'))
  await d.page.setInputFiles('#load-world', { name: 'my-tour.yaml', mimeType: 'text/yaml', buffer: tour })
  await d.page.waitForFunction('window.__neuroplast.scenario && window.__neuroplast.scenario.file === "my-tour.yaml"')
  const tourName = (await d.page.evaluate('window.__neuroplast.scenario.name')) as string
  await d.page.getByRole('button', { name: 'Share link' }).click()
  const tourLink = await d.page.locator('#share-link').inputValue()
  expect(new URL(tourLink).searchParams.get('scenarioText')).toMatch(/^[A-Za-z0-9_-]+$/)
  const t = await open(new URL(tourLink).search + '&paused=1')
  expect(await t.page.evaluate('window.__neuroplast.scenario.name')).toBe(tourName)
  expect(await t.page.evaluate('window.__neuroplast.stateHash()')).toBe(await d.page.evaluate(`(async () => {
    const S = await import('/src/ui/session.ts'); const H = await import('/src/engine/hash.ts')
    return H.stateHash(S.openScenario(${JSON.stringify(tour.toString('utf8'))}, 'x', undefined, false).sim)
  })()`))
  await t.page.close()
  await d.page.close()

  // Malformed links: each says what is wrong; the default scene runs.
  for (const [query, expected] of [
    ['?scenarioText=%%%not*base64', /"scenarioText": the shared scenario could not be read: it is not base64url text/],
    ['?scenarioText=bmFtZTogeA', /scenario in the link could not be opened/], // "name: x" — not a complete scenario
    ['?scenario=scenes/nope.yaml', /"scenario": no shipped scenario "scenes\/nope\.yaml"/],
  ] as const) {
    const bad = await open(query)
    const box = bad.page.getByRole('alert')
    expect(await box.isVisible()).toBe(true)
    expect(await box.textContent()).toMatch(expected)
    expect(await bad.page.evaluate('window.__neuroplast.scenario.file')).toBe('scenes/quickstart.yaml')
    if (query.includes('nope')) await bad.page.screenshot({ path: join(ARTIFACTS, 'sandbox-bad-link.png') })
    expect(bad.errors).toEqual([])
    await bad.page.close()
  }
  expect(errors).toEqual([])
  expect(sharedErrors).toEqual([])
  await page.close()
})

test('run ahead in a Worker: the page stays responsive, the result is the world stepped here; cancel leaves it as it was', async () => {
  const { page, errors } = await open('?scene=corticalSheet&params={"n":300,"synapsesPerNeuron":20}&seed=4&paused=1')
  // What the page itself would reach after 10 s (stepped here, on a copy of the world).
  const expected = await page.evaluate(`(async () => {
    const Sn = await import('/src/engine/snapshot.ts'), P = await import('/src/engine/pipeline.ts'), H = await import('/src/engine/hash.ts')
    const sim = window.__neuroplast.sim
    const c = Sn.load(Sn.save(sim)); P.runSteps(c, Math.round(10000 / sim.time.dt_ms)); return H.stateHash(c)
  })()`)
  await page.locator('#background-panel summary').click()
  const frames0 = (await page.evaluate('window.__neuroplast.frames')) as number
  await page.getByLabel('Tissue time').selectOption('10000')
  await page.getByRole('button', { name: 'Run ahead' }).click()
  // While the Worker runs: the world is locked (Play disabled, tools inert), the page keeps drawing
  // frames and the camera still answers.
  expect(await page.evaluate('window.__neuroplast.panels.background.running')).toBe(true)
  expect(await page.getByRole('button', { name: /play the simulation/i }).isDisabled()).toBe(true)
  expect(await page.evaluate(`document.getElementById('tools-panel').inert`)).toBe(true)
  await page.waitForFunction(`window.__neuroplast.frames > ${frames0 + 5}`)
  await page.locator('#stage canvas').focus()
  await page.keyboard.press('+')
  expect((await cam(page)).zoom).toBeCloseTo(1.5, 9)
  await page.waitForFunction('!window.__neuroplast.panels.background.running', undefined, { timeout: 100_000 })
  expect(await page.evaluate('window.__neuroplast.time_ms()')).toBeCloseTo(10000, 6)
  expect(await page.evaluate('window.__neuroplast.stateHash()')).toBe(expected)
  expect(await page.locator('#ahead-status').textContent()).toMatch(/^Ran 10 s in [\d.]+ s of wall time: t = 10\.000 s/)
  expect((await cam(page)).zoom).toBeCloseTo(1.5, 9) // the camera stayed
  expect(await page.getByRole('button', { name: /play the simulation/i }).isDisabled()).toBe(false)

  // Cancel: the world stays as it was.
  const before = await page.evaluate('window.__neuroplast.stateHash()')
  await page.getByLabel('Tissue time').selectOption('600000')
  await page.getByRole('button', { name: 'Run ahead' }).click()
  await page.getByRole('button', { name: 'Cancel' }).click()
  expect(await page.evaluate('window.__neuroplast.panels.background.running')).toBe(false)
  expect(await page.evaluate('window.__neuroplast.stateHash()')).toBe(before)
  expect(await page.locator('#ahead-status').textContent()).toContain('Cancelled')
  await page.evaluate('window.__neuroplast.stepN(10)') // stepping works again
  expect(errors).toEqual([])
  await page.close()

  // A scenario in progress resumes its timeline from the Worker's result: the quickstart run ahead
  // by 1 s (through the start of its HFS train) equals the same scenario stepped here.
  const q = await open()
  const want = await q.page.evaluate(`(async () => {
    const S = await import('/src/ui/session.ts'), H = await import('/src/engine/hash.ts')
    const text = (await import('/scenes/quickstart.yaml?raw')).default
    const s = S.openScenario(text, 'scenes/quickstart.yaml'); s.advance(10000); return H.stateHash(s.sim)
  })()`)
  await q.page.locator('#background-panel summary').click()
  await q.page.getByLabel('Tissue time').selectOption('1000')
  await q.page.getByRole('button', { name: 'Run ahead' }).click()
  await q.page.waitForFunction('!window.__neuroplast.panels.background.running && window.__neuroplast.time_ms() > 0', undefined, { timeout: 100_000 })
  expect(await q.page.evaluate('window.__neuroplast.stateHash()')).toBe(want)
  expect(await q.page.evaluate('window.__neuroplast.phase()')).toBe('scenario')
  // Again, 1 s at a time, to the scenario's end (4 s): the world then runs free.
  const want2 = await q.page.evaluate(`(async () => {
    const S = await import('/src/ui/session.ts'), H = await import('/src/engine/hash.ts')
    const text = (await import('/scenes/quickstart.yaml?raw')).default
    const s = S.openScenario(text, 'scenes/quickstart.yaml'); s.advance(40000); return H.stateHash(s.sim)
  })()`)
  for (const t_ms of [2000, 3000, 4000]) {
    await q.page.getByRole('button', { name: 'Run ahead' }).click()
    await q.page.waitForFunction(`!window.__neuroplast.panels.background.running && window.__neuroplast.time_ms() > ${t_ms - 500}`, undefined, { timeout: 100_000 })
  }
  expect(await q.page.evaluate('window.__neuroplast.stateHash()')).toBe(want2)
  expect(await q.page.evaluate('window.__neuroplast.phase()')).toBe('free')
  await q.page.evaluate('window.__neuroplast.stepN(20)')
  expect(q.errors).toEqual([])
  await q.page.close()
})

test('rewind to a kept snapshot: the world is back exactly, and its scenario replays the same from there', async () => {
  const { page, errors } = await open()
  const nextFrame = async () => {
    const f = (await page.evaluate('window.__neuroplast.frames')) as number
    await page.waitForFunction(`window.__neuroplast.frames > ${f + 1}`)
  }
  await page.evaluate('window.__neuroplast.stepN(3000)')
  await nextFrame()
  const h300 = await page.evaluate('window.__neuroplast.stateHash()')
  await page.evaluate('window.__neuroplast.stepN(3000)') // through the start of the HFS train (500 ms)
  await nextFrame()
  const h600 = await page.evaluate('window.__neuroplast.stateHash()')
  expect(await page.evaluate('window.__neuroplast.panels.rewind.times()')).toEqual([0, 300, 600])
  await page.getByLabel('Rewind to').selectOption({ label: 't = 0.300 s' })
  await page.getByRole('button', { name: 'Rewind' }).click()
  expect(await page.evaluate('window.__neuroplast.time_ms()')).toBe(300)
  expect(await page.evaluate('window.__neuroplast.stateHash()')).toBe(h300)
  expect(await page.evaluate('window.__neuroplast.phase()')).toBe('scenario')
  expect(await page.evaluate('window.__neuroplast.panels.rewind.times()')).toEqual([0, 300]) // history branches here
  await page.evaluate('window.__neuroplast.stepN(3000)')
  expect(await page.evaluate('window.__neuroplast.stateHash()')).toBe(h600)
  expect(await page.locator('#clock').textContent()).toBe('t = 0.600 s · slow: day 1, 00:00')
  expect(errors).toEqual([])
  await page.close()
})

test('fast-forward moves slow time only (in the Worker), the clock shows it', async () => {
  const { page, errors } = await open()
  await page.evaluate('window.__neuroplast.stepN(10)')
  const step = await page.evaluate('window.__neuroplast.sim.time.step')
  await page.locator('#background-panel summary').click()
  await page.getByLabel('Slow time').selectOption('86400000')
  await page.getByRole('button', { name: 'Fast-forward' }).click()
  await page.waitForFunction('!window.__neuroplast.panels.background.running && window.__neuroplast.sim.time.slow_ms > 0', undefined, { timeout: 100_000 })
  expect(await page.evaluate('window.__neuroplast.sim.time.slow_ms')).toBeCloseTo(86_400_000, 3)
  expect(await page.evaluate('window.__neuroplast.sim.time.step')).toBe(step) // fast time stood still
  await page.evaluate('window.__neuroplast.stepN(1)')
  expect(await page.locator('#clock').textContent()).toBe('t = 0.001 s · slow: day 2, 00:00')
  expect(await page.locator('#ahead-status').textContent()).toContain('slow time day 1, 00:00 → day 2, 00:00')
  expect(errors).toEqual([])
  await page.close()
})

test('scene & scenario panel: the timeline is ticked off as it runs, a scene opens from the picker, a file can be dropped', async () => {
  const { page, errors } = await open()
  await page.locator('#scenario-panel summary').click()
  expect(await page.locator('#scenario-name').textContent()).toBe('Quickstart — HFS of the Schaffer collaterals')
  expect(await page.evaluate('window.__neuroplast.panels.scenario.timeline()')).toEqual([['500 ms — stimulate S1: HFS (train 100 Hz × 100)', false]])
  await page.evaluate('window.__neuroplast.stepN(5010)')
  await page.waitForFunction('window.__neuroplast.panels.scenario.timeline()[0][1] === true')
  await page.locator('#scenario-panel').screenshot({ path: join(ARTIFACTS, 'sandbox-scenario-panel.png') })

  // A bare scene from the picker, with a seed.
  await page.getByLabel('Scene', { exact: true }).selectOption('plasticPairs')
  await page.getByLabel('Seed').fill('3')
  await page.getByRole('button', { name: 'Open scene' }).click()
  expect(await page.evaluate('window.__neuroplast.sceneName')).toBe('plasticPairs')
  expect(await page.evaluate('window.__neuroplast.sim.seed')).toBe('3')
  expect(await page.evaluate('window.__neuroplast.time_ms()')).toBe(0)
  expect(await page.locator('#scenario-name').textContent()).toBe('No scenario: the scene runs free.')
  // A bad seed changes nothing.
  await page.getByLabel('Seed').fill('-1')
  await page.getByRole('button', { name: 'Open scene' }).click()
  expect(await page.getByRole('alert').textContent()).toContain('Seed: expected a non-negative integer')
  expect(await page.evaluate('window.__neuroplast.sim.seed')).toBe('3')

  // Drop a scenario file on the tissue.
  const { readFileSync } = await import('node:fs')
  const text = readFileSync(join(REPO_ROOT, 'scenes/quickstart.yaml'), 'utf8')
  await page.evaluate(`(() => {
    const dt = new DataTransfer()
    dt.items.add(new File([${JSON.stringify(text)}], 'dropped.yaml', { type: 'text/yaml' }))
    document.getElementById('stage').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
  })()`)
  await page.waitForFunction('window.__neuroplast.scenario && window.__neuroplast.scenario.file === "dropped.yaml"')
  expect(await page.evaluate('window.__neuroplast.sceneName')).toBe('hippocampalSlice')
  expect(errors).toEqual([])
  await page.close()
})
