/**
 * The sandbox page's interactive parts in headless Chromium (software WebGL: light scenes, never
 * judge frame rates): camera and level of detail, inspector, electrode tools and protocols, drugs
 * (HFS raises the stimulated pathway's weights; APV blocks it), tissue tools, plots, parameters,
 * legend and keyboard. Screenshots of the main states go to test-artifacts/ (gitignored).
 * The world as a whole (save/load, share links, Worker, rewind, scenarios): world.test.ts.
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

test('pan and zoom: wheel, drag, pinch and keys, with level of detail and no geometry rebuilds', async () => {
  const { page, errors } = await open()
  const c0 = await cam(page)
  expect(c0.zoom).toBe(1)
  expect(c0.level).toBe('circuit') // the slice at fit: cells apart, connections shown
  const s0 = await stats(page)
  expect(s0.synapses!.linesShown).toBe(1)
  expect(s0.synapses!.boutons).toBe(0)
  await shot(page, 'sandbox-fit.png')

  // Wheel zoom about the pointer: the tissue point under the pointer stays under it.
  const n = ((await page.evaluate('Array.from(window.__neuroplast.sim.indices.neurons.ids)')) as number[])[250]!
  const at = await neuronAt(page, n)
  const before = await xy(page, at.x, at.y)
  await page.mouse.move(before.x, before.y)
  await page.mouse.wheel(0, -300)
  await page.waitForFunction(`window.__neuroplast.camera().zoom > 1.3`)
  const after = await xy(page, at.x, at.y)
  expect(Math.abs(after.x - before.x)).toBeLessThan(1.5)
  expect(Math.abs(after.y - before.y)).toBeLessThan(1.5)

  // Zoomed far out: tissue scale, synapse lines hidden (populations and activity only).
  await page.keyboard.press('0')
  const center = await canvasCenter(page)
  await page.mouse.move(center.x, center.y)
  await page.mouse.wheel(0, 700)
  await page.waitForFunction(`window.__neuroplast.camera().zoom < 0.5`)
  expect((await cam(page)).level).toBe('tissue')
  await page.waitForFunction('window.__neuroplast.viewStats().synapses.linesShown === 0')
  const far = await shot(page, 'sandbox-zoomed-out.png')
  expect(countNot(far, BACKGROUND)).toBeGreaterThan(200) // somata still drawn

  // Keys: 0 fits, + zooms in ×1.5 about the centre; close up, synapses appear as boutons.
  await page.locator('#stage canvas').focus()
  await page.keyboard.press('0')
  expect((await cam(page)).zoom).toBe(1)
  for (let i = 0; i < 5; i++) await page.keyboard.press('+')
  const close = await cam(page)
  expect(close.zoom).toBeCloseTo(1.5 ** 5, 6)
  expect(close.level).toBe('synapse')
  await page.evaluate('window.__neuroplast.stepN(1)')
  const s1 = await stats(page)
  expect(s1.synapses!.boutons).toBe(s1.synapses!.lines)
  expect(s1.synapses!.lineAlpha).toBe(1)
  await shot(page, 'sandbox-close-up.png')
  await page.keyboard.press('-')
  expect((await cam(page)).zoom).toBeCloseTo(1.5 ** 4, 6)
  await page.keyboard.press('+')

  // Drag pans: the tissue follows the pointer.
  const c1 = await cam(page)
  await page.mouse.move(center.x, center.y)
  await page.mouse.down()
  await page.mouse.move(center.x + 40, center.y + 10, { steps: 4 })
  await page.mouse.move(center.x + 80, center.y + 20, { steps: 4 })
  await page.mouse.up()
  const c2 = await cam(page)
  expect(c2.cx_um).toBeCloseTo(c1.cx_um - 80 / c1.pxPerUm, 3)
  expect(c2.cy_um).toBeCloseTo(c1.cy_um - 20 / c1.pxPerUm, 3)
  expect(await page.evaluate('window.__neuroplast.selection()')).toBe(null) // a drag is not a click

  // Pinch (two touch pointers moving apart ×2) zooms ×2 about their midpoint.
  await page.keyboard.press('0')
  await page.evaluate(`(() => {
    const c = document.querySelector('#stage canvas')
    const r = c.getBoundingClientRect()
    const mx = r.left + r.width / 2, my = r.top + r.height / 2
    const ev = (type, id, x) => c.dispatchEvent(new PointerEvent(type, { pointerId: id, pointerType: 'touch', isPrimary: id === 11, clientX: x, clientY: my, bubbles: true }))
    ev('pointerdown', 11, mx - 50); ev('pointerdown', 12, mx + 50)
    for (let k = 1; k <= 10; k++) { ev('pointermove', 11, mx - 50 - 5 * k); ev('pointermove', 12, mx + 50 + 5 * k) }
    ev('pointerup', 11, mx - 100); ev('pointerup', 12, mx + 100)
  })()`)
  expect((await cam(page)).zoom).toBeCloseTo(2, 6)
  expect(await page.evaluate('window.__neuroplast.selection()')).toBe(null) // a pinch is not a click

  // The zoom buttons do the same as the keys.
  await page.getByRole('button', { name: /zoom in/i }).click()
  expect((await cam(page)).zoom).toBeCloseTo(3, 6)
  await page.getByRole('button', { name: /fit the whole tissue/i }).click()
  expect((await cam(page)).zoom).toBe(1)

  // Zooming and panning never rebuilt geometry (lines, electrode graphics).
  const s2 = await stats(page)
  expect(s2.synapses!.rebuilds).toBe(s0.synapses!.rebuilds)
  expect(s2.electrodes!.rebuilds).toBe(s0.electrodes!.rebuilds)
  expect(errors).toEqual([])
  await page.close()
})

test('inspector: click a neuron, then (close up) a synapse, and watch them live with a history plot', async () => {
  const { page, errors } = await open()
  expect(await page.locator('#inspector-body').isHidden()).toBe(true)
  // A CA1 pyramidal cell (population 2 of the slice).
  const n = (await page.evaluate(`(() => { const h = window.__neuroplast; const N = h.sim.components.Neuron; return Array.from(h.sim.indices.neurons.ids).find((i) => N.population[i] === 2) })()`)) as number
  const p = await xy(page, ...Object.values(await neuronAt(page, n)) as [number, number])
  await page.mouse.click(p.x, p.y)
  expect(await page.evaluate('window.__neuroplast.selection()')).toEqual({ kind: 'neuron', id: n })
  expect(await page.locator('#inspector-title').textContent()).toBe(`Neuron #${n}`)
  const rows = (await page.evaluate('window.__neuroplast.panels.inspector.rows()')) as Record<string, string>
  expect(rows.population).toBe('CA1 pyramidal')
  expect(rows.type).toContain('LIF') // the quickstart's CA1 cells are conductance-based LIF (ca1Model: lif)
  expect(rows.v).toMatch(/^-?\d+\.\d\d mV$/)
  expect(rows['LIF.gL_nS']).toBeDefined() // every store the neuron belongs to is listed
  // Live: stepping through the HFS train (0.5 s on) changes v, and the history records every step.
  await page.evaluate('window.__neuroplast.stepN(5200)')
  await page.waitForFunction(`window.__neuroplast.panels.inspector.rows().v !== ${JSON.stringify(rows.v)}`)
  const h = (await page.evaluate('window.__neuroplast.panels.inspector.history()')) as { t_ms: number[]; y: number[]; quantity: string }
  expect(h.quantity).toBe('v (mV)')
  expect(h.t_ms.length).toBe(4000) // ring full: the last 4000 steps
  expect(h.t_ms.at(-1)).toBeCloseTo(520, 6)
  const v = (await page.evaluate(`window.__neuroplast.sim.components.Neuron.v_mV[${n}]`)) as number
  expect(h.y.at(-1)).toBe(v)
  expect(Math.max(...h.y) - Math.min(...h.y)).toBeGreaterThan(5) // the cell responds to the train
  // The plot is drawn (a uPlot canvas, not blank).
  const plot = page.locator('#inspector-plot canvas').first()
  await plot.waitFor()
  const plotPng = decodePng(await plot.screenshot())
  expect(countNot(plotPng, 0x000000) + countNot(plotPng, 0xffffff)).toBeGreaterThan(100)
  await page.screenshot({ path: join(ARTIFACTS, 'sandbox-inspector-neuron.png') })

  // Close up, a synapse's bouton can be clicked.
  const syn = (await page.evaluate(`(() => { const h = window.__neuroplast; const S = h.sim.components.Synapse; for (let s = 1; s < S.alive.length; s++) if (S.alive[s] && S.post[s] === ${n} && S.pathway[s] === 1) return s })()`)) as number
  const b = (await page.evaluate(`window.__neuroplast.boutonOf(${syn})`)) as { x: number; y: number }
  await page.evaluate(`window.__neuroplast.setCamera({ zoom: 24, cx_um: ${b.x}, cy_um: ${b.y} })`)
  expect((await cam(page)).level).toBe('synapse')
  await page.evaluate('window.__neuroplast.stepN(1)')
  const bp = await xy(page, b.x, b.y)
  await page.mouse.click(bp.x, bp.y)
  const sel = (await page.evaluate('window.__neuroplast.selection()')) as { kind: string; id: number }
  expect(sel.kind).toBe('synapse')
  const srows = (await page.evaluate('window.__neuroplast.panels.inspector.rows()')) as Record<string, string>
  const sd = (await page.evaluate(`(() => { const S = window.__neuroplast.sim.components.Synapse; return { w: S.weight[${sel.id}], post: S.post[${sel.id}], pathway: S.pathway[${sel.id}] } })()`)) as { w: number; post: number; pathway: number }
  expect(srows.weight).toBe(String(Number(sd.w.toPrecision(4))))
  expect(srows.receptor).toMatch(/glutamate|AMPA|GABA_A/)
  expect(srows.delay).toMatch(/ms/)
  expect(srows.pathway).toBe(['none', 'S1', 'S2'][sd.pathway])
  expect(srows.plasticity).toBeDefined()
  expect(srows['pre → post']).toContain(`#${sd.post}`)
  await page.evaluate('window.__neuroplast.stepN(100)')
  const sh = (await page.evaluate('window.__neuroplast.panels.inspector.history()')) as { t_ms: number[]; y: number[]; quantity: string }
  expect(sh.quantity).toBe('weight')
  expect(sh.t_ms.length).toBe(11) // at the click, then every 10 steps (1 ms)
  // The quickstart's Schaffer synapses are plastic: the last sample is the weight of its step, which
  // may be a step or more before now while calcium still acts.
  const wNow = (await page.evaluate(`window.__neuroplast.sim.components.Synapse.weight[${sel.id}]`)) as number
  expect(Math.abs(sh.y.at(-1)! - wNow) / wNow).toBeLessThan(0.01)
  // The plot's event marks: the synapse's pre- and postsynaptic spikes, exactly those of the events
  // ring within the history, and a drug applied from the panel.
  const spikeTimes = (cell: number, from: number) =>
    page.evaluate(`(() => { const sim = window.__neuroplast.sim, ev = sim.events, out = []
      for (let i = Math.max(0, ev.total - ev.capacity); i < ev.total; i++) { const k = i % ev.capacity; const t = ev.step[k] * sim.time.dt_ms
        if (ev.kind[k] === 1 && ev.a[k] === ${cell} && t >= ${from}) out.push(t) }
      return out })()`) as Promise<number[]>
  const synEnds = (await page.evaluate(`(() => { const S = window.__neuroplast.sim.components.Synapse; return [S.pre[${sel.id}], S.post[${sel.id}]] })()`)) as [number, number]
  const tDrug = (await page.evaluate('window.__neuroplast.time_ms()')) as number
  await page.getByRole('button', { name: 'Apply CNQX' }).click()
  await page.waitForFunction('window.__neuroplast.panels.inspector.history().drugs.length === 1') // seen at the next page frame
  await page.evaluate('window.__neuroplast.stepN(200)')
  const marked = (await page.evaluate('window.__neuroplast.panels.inspector.history()')) as { t_ms: number[]; pre: number[]; post: number[]; drugs: [number, string][] }
  expect(marked.pre).toEqual(await spikeTimes(synEnds[0], marked.t_ms[0]!))
  expect(marked.post).toEqual(await spikeTimes(synEnds[1], marked.t_ms[0]!))
  expect(marked.drugs).toEqual([[tDrug, '+CNQX']])
  await page.locator('#inspector-panel').scrollIntoViewIfNeeded()
  await page.locator('#inspector-panel').screenshot({ path: join(ARTIFACTS, 'sandbox-inspector-panel.png') })
  // Any field of the synapse's stores can be plotted instead (here its delay, a constant).
  await page.getByLabel('Plot', { exact: true }).selectOption('Synapse.delaySteps')
  const dh = (await page.evaluate('window.__neuroplast.panels.inspector.history()')) as { y: number[]; quantity: string }
  expect(dh.quantity).toBe('Synapse.delaySteps')
  expect(dh.y).toEqual([await page.evaluate(`window.__neuroplast.sim.components.Synapse.delaySteps[${sel.id}]`)])
  await page.screenshot({ path: join(ARTIFACTS, 'sandbox-inspector-synapse.png') })

  // Esc (with the tissue focused) clears the selection.
  await page.locator('#stage canvas').focus()
  await page.keyboard.press('Escape')
  expect(await page.evaluate('window.__neuroplast.selection()')).toBe(null)
  expect(await page.locator('#inspector-body').isHidden()).toBe(true)
  expect(errors).toEqual([])
  await page.close()
})

test('tools: place an electrode by clicking, drag it, fire HFS; the drug panel applies and washes TTX', async () => {
  const { page, errors } = await open('?scene=hippocampalSlice&paused=1&seed=3')
  const electrodes = () => page.evaluate(`Array.from(window.__neuroplast.sim.components.Electrode ? (() => { const E = window.__neuroplast.sim.components.Electrode; const out = []; for (let e = 0; e < E.x_um.length; e++) if (E.radius_um[e] > 0) out.push(e); return out })() : [])`) as Promise<number[]>
  expect((await stats(page)).electrodes!.electrodes).toBe(0)
  // Place: over the S2 half of CA3 first (the wrong place), targets: CA3 S1.
  await page.getByRole('button', { name: 'Place electrode' }).click()
  expect(await page.getByRole('button', { name: /click the tissue/i }).getAttribute('aria-pressed')).toBe('true')
  await page.getByLabel('Radius (µm)', { exact: true }).fill('270')
  await page.getByLabel('Targets').selectOption({ label: 'CA3 S1' })
  const wrong = await xy(page, 350, 700)
  await page.mouse.click(wrong.x, wrong.y)
  await page.evaluate('window.__neuroplast.stepN(1)')
  expect((await stats(page)).electrodes!.electrodes).toBe(1)
  const [e] = await electrodes()
  expect(await page.locator('#tools-status').textContent()).toMatch(/reaches \d+ neurons?/)
  expect(await page.evaluate('window.__neuroplast.panels.tools.placing')).toBe(false)
  // Drag its tip to the S1 cells (x 150–550, y 80–430 µm).
  const at = (await page.evaluate(`(() => { const E = window.__neuroplast.sim.components.Electrode; return { x: E.x_um[${e}], y: E.y_um[${e}] } })()`)) as { x: number; y: number }
  expect(at.x).toBeCloseTo(350, -0.5)
  const from = await xy(page, at.x, at.y)
  const to = await xy(page, 350, 255)
  await page.mouse.move(from.x, from.y)
  await page.mouse.down()
  await page.mouse.move(to.x, to.y, { steps: 8 })
  await page.mouse.up()
  const moved = (await page.evaluate(`(() => { const E = window.__neuroplast.sim.components.Electrode; return { x: E.x_um[${e}], y: E.y_um[${e}] } })()`)) as { x: number; y: number }
  expect(moved.x).toBeCloseTo(350, -0.5)
  expect(moved.y).toBeCloseTo(255, -0.5)
  expect((await cam(page)).zoom).toBe(1) // the drag moved the electrode, not the camera
  const s1Count = (await page.evaluate(`(() => { const h = window.__neuroplast, N = h.sim.components.Neuron; return Array.from(h.sim.indices.neurons.ids).filter((n) => N.population[n] === 0).length })()`)) as number
  expect(await page.locator('#tools-status').textContent()).toContain(`reaches ${s1Count} neurons`) // all S1 cells, no S2
  await page.evaluate('window.__neuroplast.stepN(1)')
  await shot(page, 'sandbox-electrode-placed.png')

  // Fire HFS: 100 pulses at 100 Hz; every S1 cell fires on each pulse, S2 cells do not.
  await page.getByLabel('Protocol').selectOption('HFS')
  await page.getByRole('button', { name: 'Fire' }).click()
  expect(await page.locator('#tools-status').textContent()).toMatch(/HFS started on electrode #\d+ .* lasting 0\.99 s/)
  const p = (await page.evaluate('window.__neuroplast.sim.state.protocols')) as { electrode: number; spec: { kind: string; freq_Hz: number; count: number } }[]
  expect(p.map((x) => ({ electrode: x.electrode, ...x.spec }))).toEqual([{ electrode: e, kind: 'train', freq_Hz: 100, count: 100 }])
  const t0 = await eventsTotal(page)
  await page.evaluate('window.__neuroplast.stepN(1000)') // 100 ms: pulses 0..9
  expect(await spikesOf(page, 0, t0)).toBe(10 * s1Count)
  expect(await spikesOf(page, 1, t0)).toBe(0)
  expect(await spikesOf(page, 2, t0)).toBeGreaterThan(0) // CA1 follows
  await shot(page, 'sandbox-hfs.png')

  // The drug panel: TTX blocks action potentials — the train no longer reaches CA1; washing restores it.
  const ttx = page.getByRole('button', { name: 'Apply TTX' })
  await ttx.click()
  await page.getByRole('button', { name: 'Wash out TTX' }).waitFor()
  expect(await page.evaluate('window.__neuroplast.sim.state.drugs')).toEqual({ TTX: 1 })
  expect(await page.locator('[data-drug="TTX"]').getAttribute('data-on')).toBe('true')
  const t1 = await eventsTotal(page)
  await page.evaluate('window.__neuroplast.stepN(500)')
  expect(await spikesOf(page, 2, t1)).toBe(0)
  await page.screenshot({ path: join(ARTIFACTS, 'sandbox-ttx.png') })
  await page.getByRole('button', { name: 'Wash out TTX' }).click()
  expect(await page.evaluate('window.__neuroplast.sim.state.drugs')).toBeUndefined()
  const t2 = await eventsTotal(page)
  await page.evaluate('window.__neuroplast.stepN(500)')
  expect(await spikesOf(page, 2, t2)).toBeGreaterThan(0)

  // Stop ends the protocol; Remove takes the electrode away.
  await page.getByRole('button', { name: 'Stop' }).click()
  expect(await page.evaluate('window.__neuroplast.sim.state.protocols.every((p) => p.done)')).toBe(true)
  await page.getByRole('button', { name: 'Remove' }).click()
  await page.evaluate('window.__neuroplast.stepN(1)')
  expect((await stats(page)).electrodes!.electrodes).toBe(0)
  expect(errors).toEqual([])
  await page.close()
})

test('placing an electrode and running HFS raises the mean weight of the stimulated pathway; APV blocks it', async () => {
  const { page, errors } = await open(PLASTIC_SLICE)
  const s1Before = await meanWeight(page, 1, 2)
  const s2Before = await meanWeight(page, 2, 2)
  expect(s1Before).toBeGreaterThan(0)
  await hfsOnS1(page)
  const s1After = await meanWeight(page, 1, 2)
  const s2After = await meanWeight(page, 2, 2)
  // Shouval et al. (2002): 100 Hz drives NMDA calcium above θ_p — LTP of the tetanised pathway only.
  expect(s1After).toBeGreaterThan(1.2 * s1Before)
  expect(s2After).toBe(s2Before) // the unstimulated pathway S2 is untouched (input specificity)
  await shot(page, 'sandbox-hfs-ltp.png')
  expect(errors).toEqual([])
  await page.close()

  // The same with APV (NMDA receptor antagonist, 50 µM) in the bath, applied from the drug panel.
  const apv = await open(PLASTIC_SLICE)
  await apv.page.getByRole('button', { name: 'Apply APV' }).click()
  expect(await apv.page.evaluate('window.__neuroplast.sim.state.drugs')).toEqual({ APV: 50 })
  const b1 = await meanWeight(apv.page, 1, 2)
  await hfsOnS1(apv.page)
  const a1 = await meanWeight(apv.page, 1, 2)
  expect(b1).toBe(s1Before) // same world
  expect(Math.abs(a1 - b1)).toBeLessThan(0.02 * (s1After - s1Before)) // LTP blocked
  expect(apv.errors).toEqual([])
  await apv.page.close()
})

test('legend, keyboard shortcuts and focus order', async () => {
  const { page, errors } = await open()
  // The legend explains every colour and shape, with the view's own colours.
  const items = (await page.evaluate(`Array.from(document.querySelectorAll('#legend-list li')).map((li) => ({ id: li.dataset.legend, text: li.textContent, swatch: li.querySelector('.sw').innerHTML }))`)) as { id: string; text: string; swatch: string }[]
  expect(items.map((i) => i.id)).toEqual(['voltage', 'spike', 'excitatory', 'inhibitory', 'synExc', 'synInh', 'synActive', 'bouton', 'electrode', 'electrodeCurrent', 'modulators', 'selection', 'outline', 'lod'])
  const colors = await page.evaluate(`(async () => { const C = await import('/src/view/colors.ts'); return { exc: C.SYN_EXC_RGB, inh: C.SYN_INH_RGB, el: C.ELECTRODE_SPIKE_RGB, sel: C.SELECTION_RGB } })()`) as Record<string, number>
  const hex = (n: number) => `#${n.toString(16).padStart(6, '0')}`
  expect(items.find((i) => i.id === 'synExc')!.swatch).toContain(hex(colors.exc!))
  expect(items.find((i) => i.id === 'synInh')!.swatch).toContain(hex(colors.inh!))
  expect(items.find((i) => i.id === 'electrode')!.swatch).toContain(hex(colors.el!))
  expect(items.find((i) => i.id === 'selection')!.swatch).toContain(hex(colors.sel!))
  for (const i of items) expect(i.text.length).toBeGreaterThan(20)
  await page.locator('#legend-panel').screenshot({ path: join(ARTIFACTS, 'sandbox-legend.png') })
  // The shortcut list.
  await page.locator('#keys-panel summary').click()
  const keys = await page.locator('#keys').textContent()
  for (const k of ['Space', '→', '+ / −', 'Esc']) expect(keys).toContain(k)

  // Focus order: the HUD's controls, then the tissue, then the panels; every control is labelled.
  await page.locator('body').click({ position: { x: 5, y: 5 } })
  const order: string[] = []
  for (let i = 0; i < 11; i++) {
    await page.keyboard.press('Tab')
    order.push((await page.evaluate(`(() => { const a = document.activeElement; return a.id || a.tagName.toLowerCase() })()`)) as string)
  }
  expect(order).toEqual(['play', 'step', 'speed', 'rewind-select', 'rewind-go', 'zoom-out', 'zoom-in', 'zoom-fit', 'canvas', 'inspector-panel', 'tools-panel'].map((id) => (id.endsWith('-panel') ? 'summary' : id)))
  const unlabelled = await page.evaluate(`Array.from(document.querySelectorAll('button, select, input')).filter((e) => !e.hidden && !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !(e.tagName === 'BUTTON' && e.textContent.trim())).map((e) => e.id)`)
  expect(unlabelled).toEqual([])

  // With the tissue focused: + zooms, Space plays and pauses, → steps, ↑ speeds up.
  await page.locator('#stage canvas').focus()
  await page.keyboard.press('+')
  expect((await cam(page)).zoom).toBeCloseTo(1.5, 9)
  await page.keyboard.press('0')
  const speed0 = Number(await page.getByLabel('Speed').inputValue())
  await page.keyboard.press('ArrowUp')
  expect(Number(await page.getByLabel('Speed').inputValue())).toBeGreaterThan(speed0)
  await page.keyboard.press('ArrowDown')
  expect(Number(await page.getByLabel('Speed').inputValue())).toBe(speed0)
  await page.keyboard.press('ArrowRight')
  expect(await page.evaluate('window.__neuroplast.sim.time.step')).toBe(1)
  await page.keyboard.press('Space')
  expect(await page.evaluate('window.__neuroplast.playing')).toBe(true)
  await page.keyboard.press('Space')
  expect(await page.evaluate('window.__neuroplast.playing')).toBe(false)
  await page.keyboard.press('d')
  expect((await cam(page)).cx_um).toBeGreaterThan(800)
  await page.screenshot({ path: join(ARTIFACTS, 'sandbox-page.png') })
  expect(errors).toEqual([])
  await page.close()
})

test('plots: population rates follow the HFS train, the stimulated pathway’s mean weight rises, the weight histogram is drawn', async () => {
  const { page, errors } = await open(PLASTIC_SLICE)
  await page.locator('#plots-panel summary').click()
  await page.evaluate('window.__neuroplast.stepN(1)')
  await hfsOnS1(page)
  const f = (await page.evaluate('window.__neuroplast.frames')) as number
  await page.waitForFunction(`window.__neuroplast.frames > ${f + 2}`)
  const rates = (await page.evaluate('window.__neuroplast.panels.plots.rates()')) as Record<string, number[]>
  // 10-ms bins over the train: every CA3 S1 cell fires once per pulse, 100 Hz; S2 is silent.
  const s1 = rates['CA3 S1']!
  expect(s1.length).toBeGreaterThan(90)
  expect(Math.max(...s1)).toBeCloseTo(100, 6)
  expect(Math.max(...rates['CA3 S2']!)).toBe(0)
  const w = (await page.evaluate('window.__neuroplast.panels.plots.weights()')) as Record<string, number[]>
  expect(w.t_ms!.length).toBeGreaterThan(1)
  expect(w.S1!.at(-1)!).toBeGreaterThan(w.S1![0]!)
  expect(w.S2!.at(-1)!).toBe(w.S2![0]!)
  for (const id of ['plot-rates', 'plot-weights', 'plot-hist']) {
    const png = decodePng(await page.locator(`#${id} canvas`).first().screenshot())
    expect(countNot(png, 0x000000) + countNot(png, 0xffffff)).toBeGreaterThan(100)
  }
  await page.locator('#plots-panel').screenshot({ path: join(ARTIFACTS, 'sandbox-plots.png') })
  expect(errors).toEqual([])
  await page.close()
})

test('tissue tools: a dopamine puff spreads as a cloud, the lesion brush removes cells, sleep moves slow time, deprivation silences a drive', async () => {
  const { page, errors } = await open('?scene=hippocampalSlice&paused=1')
  await page.locator('#tissue-panel summary').click()
  // Puff dopamine over CA1.
  await page.getByRole('button', { name: 'Puff' }).click()
  await page.getByLabel('Modulator').selectOption('dopamine')
  await page.getByLabel('Amount (µM)').fill('20')
  const c = await xy(page, 1200, 450)
  await page.mouse.click(c.x, c.y)
  await page.evaluate('window.__neuroplast.stepN(1)')
  const cells0 = ((await stats(page)).neuromodulators!.cells)!
  expect(cells0).toBeGreaterThan(0)
  expect(await page.evaluate('window.__neuroplast.sim.state.neuromodulation.grid.fields[0] !== null')).toBe(true)
  expect(await page.locator('#tissue-status').textContent()).toMatch(/^dopamine 20 µM released at \(1200, 450\) µm/)
  const puffed = await shot(page, 'sandbox-dopamine-puff.png')
  await page.evaluate('window.__neuroplast.stepN(3000)') // 300 ms: it diffuses (D* = 300 µm²/s) and is cleared (τ 200 ms)
  const cells1 = ((await stats(page)).neuromodulators!.cells)!
  expect(cells1).toBeGreaterThan(cells0)
  expect(countNot(puffed, BACKGROUND)).toBeGreaterThan(0)

  // Lesion brush over the middle of CA1.
  await page.getByRole('button', { name: 'Lesion brush' }).click()
  expect(await page.getByRole('button', { name: 'Puff' }).getAttribute('aria-pressed')).toBe('false') // one click tool at a time
  await page.getByLabel('Brush radius (µm)').fill('100')
  const n0 = (await page.evaluate('window.__neuroplast.sim.indices.neurons.ids.length')) as number
  const inside = (await page.evaluate(`(() => { const h = window.__neuroplast, P = h.sim.components.Position; return Array.from(h.sim.indices.neurons.ids).filter((n) => (P.x_um[n] - 1200) ** 2 + (P.y_um[n] - 450) ** 2 <= 100 * 100).length })()`)) as number
  expect(inside).toBeGreaterThan(0)
  await page.mouse.click(c.x, c.y)
  await page.evaluate('window.__neuroplast.stepN(1)')
  expect(await page.evaluate('window.__neuroplast.sim.indices.neurons.ids.length')).toBe(n0 - inside)
  expect((await stats(page)).somata!.neurons).toBe(n0 - inside)
  expect((await stats(page)).synapses!.lines).toBe(await page.evaluate('window.__neuroplast.sim.synapseCount'))
  expect(await page.locator('#tissue-status').textContent()).toContain(`${inside} cells removed`)
  await shot(page, 'sandbox-lesion.png')
  await page.keyboard.press('Escape')
  expect(await page.evaluate('window.__neuroplast.panels.tissue.mode')).toBe(null)

  // Sleep: 8 h of slow time.
  await page.getByRole('button', { name: 'Sleep' }).click()
  expect(await page.evaluate('window.__neuroplast.sim.time.slow_ms')).toBeGreaterThanOrEqual(8 * 3600_000)
  await page.evaluate('window.__neuroplast.stepN(1)')
  expect(await page.locator('#clock').textContent()).toMatch(/slow: day 1, 08:00$/)
  expect(errors).toEqual([])
  await page.close()

  // Deprivation of a population's background drive, and its restoration.
  const sheet = await open('?scene=corticalSheet&params={"n":150,"synapsesPerNeuron":10}&paused=1')
  await sheet.page.locator('#tissue-panel summary').click()
  const pop0 = (await sheet.page.evaluate('window.__neuroplast.sim.params.populations[0]')) as string
  const driveW = `(() => { const h = window.__neuroplast, D = h.sim.components.Drive, N = h.sim.components.Neuron; return Array.from(h.sim.indices.neurons.ids).filter((n) => N.population[n] === 0 && D.rate_Hz[n] > 0).map((n) => D.weight[n]) })()`
  const w0 = (await sheet.page.evaluate(driveW)) as number[]
  expect(w0.length).toBeGreaterThan(0)
  await sheet.page.getByLabel('Input').selectOption({ label: `drive of ${pop0}` })
  await sheet.page.getByRole('button', { name: 'Deprive' }).click()
  expect(new Set((await sheet.page.evaluate(driveW)) as number[])).toEqual(new Set([0]))
  await sheet.page.getByRole('button', { name: 'Restore' }).click()
  expect(await sheet.page.evaluate(driveW)).toEqual(w0)
  expect(sheet.errors).toEqual([])
  await sheet.page.close()
})

test('parameters: world parameters with units and sources, changed live through the set action; a bad value changes nothing', async () => {
  const { page, errors } = await open(PLASTIC_SLICE)
  await page.locator('#params-panel summary').click()
  const paths = (await page.evaluate('window.__neuroplast.panels.params.paths()')) as string[]
  expect(paths).toContain('receptors.Mg_mM')
  expect(paths).toContain('receptors.tauNMDAdecay_ms')
  const mg = page.locator('#param-receptors-Mg_mM')
  expect(await mg.inputValue()).toBe('1')
  expect(await mg.getAttribute('title')).toContain('Jahr & Stevens 1990')
  expect(await page.locator('.param', { has: mg }).locator('.unit').textContent()).toBe('mM')
  // Live change (Mg²⁺-free bath), through the page's input.
  await mg.fill('0')
  await mg.press('Enter')
  await mg.blur()
  await page.waitForFunction('window.__neuroplast.sim.params.receptors.Mg_mM === 0')
  expect(await page.locator('#params-status').textContent()).toMatch(/^receptors\.Mg_mM = 0 mM from t = 0\.000 s\./)
  // A value that is not a number: refused, the world keeps its value.
  await page.locator('#param-receptors-tauAMPA_ms').fill('')
  await page.locator('#param-receptors-tauAMPA_ms').blur()
  expect(await page.locator('#params-status').textContent()).toContain('unchanged')
  expect(await page.evaluate('window.__neuroplast.sim.params.receptors.tauAMPA_ms')).toBe(5)
  expect(await page.locator('#param-receptors-tauAMPA_ms').inputValue()).toBe('5')
  // The scene's build parameters are listed read-only.
  expect(await page.locator('#params-list').textContent()).toContain('plasticity = calciumControl')
  await page.locator('#params-panel').screenshot({ path: join(ARTIFACTS, 'sandbox-params.png') })
  expect(errors).toEqual([])
  await page.close()
})

test('tablet and phone screens: the tissue and the panels fit without sideways scrolling; a tap inspects', async () => {
  for (const [name, viewport] of [['tablet', { width: 820, height: 1180 }], ['phone', { width: 390, height: 844 }]] as const) {
    const page = await suite.browser().newPage({ viewport, hasTouch: true, isMobile: true })
    const errors = collectConsoleErrors(page)
    await page.goto(new URL('index.html?paused=1', suite.server().url).href)
    await page.waitForFunction('window.__neuroplast && window.__neuroplast.ready')
    const box = (await page.locator('#stage canvas').boundingBox())!
    expect(box.width).toBeGreaterThan(0.9 * viewport.width - (name === 'tablet' ? 300 : 0))
    expect(box.height).toBeGreaterThan(200)
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true)
    expect(await page.locator('#side').isVisible()).toBe(true)
    // A tap on a cell selects it.
    const n = ((await page.evaluate('Array.from(window.__neuroplast.sim.indices.neurons.ids)')) as number[])[210]!
    const at = await neuronAt(page, n)
    const p = await xy(page, at.x, at.y)
    await page.touchscreen.tap(p.x, p.y)
    expect(await page.evaluate('window.__neuroplast.selection()')).toEqual({ kind: 'neuron', id: n })
    await page.screenshot({ path: join(ARTIFACTS, `sandbox-${name}.png`) })
    expect(errors).toEqual([])
    await page.close()
  }
})
