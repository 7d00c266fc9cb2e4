/**
 * Render benchmark (browser): CPU time to prepare one frame of the tissue view — every layer's
 * update (soma particle colours and sizes, synapse colour-buffer writes for spikes and fading,
 * periodic weight refresh, electrodes, selection), excluding the GPU submit — for a world of 20 000
 * somata and 100 000 synapses (corticalSheet n = 20 000, synapsesPerNeuron = 5), in headless
 * Chromium. The budget: under 2 ms per frame. Frame *rates* in SwiftShader mean nothing
 * (software GPU); frame rate on a real GPU is measured by hand (docs).
 *
 * Run: node --import tsx bench/render.ts [--frames 60] [--steps 10]
 * Method: the page opens the world paused; each frame advances `--steps` fast steps (the page's
 * default speed) and draws; `viewStats().frame.prepare_ms` is read after each. Twice: at fit (tissue
 * level of detail: lines hidden) and zoomed in to the circuit level (lines shown). Median and p95.
 */
import { launchBrowser, startServer } from '../test/browser/harness.ts'

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const FRAMES = arg('frames', 60)
const STEPS = arg('steps', 10)

const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!

const server = await startServer()
const browser = await launchBrowser()
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  const url = new URL(`index.html?scene=corticalSheet&params=${encodeURIComponent('{"n":20000,"synapsesPerNeuron":5}')}&paused=1&seed=1`, server.url).href
  const t0 = performance.now()
  await page.goto(url)
  await page.waitForFunction('window.__neuroplast && window.__neuroplast.ready', undefined, { timeout: 300_000 })
  const counts = (await page.evaluate('({ neurons: window.__neuroplast.sim.indices.neurons.ids.length, synapses: window.__neuroplast.sim.synapseCount })')) as { neurons: number; synapses: number }
  console.log(`world: ${counts.neurons} somata, ${counts.synapses} synapses; page ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  for (const [label, zoom] of [['tissue level (fit)', 1], ['circuit level (zoom 6)', 6]] as const) {
    await page.evaluate(`window.__neuroplast.setCamera({ zoom: ${zoom} })`)
    await page.evaluate(`window.__neuroplast.stepN(${STEPS})`) // warm-up frame
    const prep: number[] = []
    let spikes = 0
    for (let i = 0; i < FRAMES; i++) {
      const r = (await page.evaluate(`(() => { const h = window.__neuroplast; h.stepN(${STEPS}); const s = h.viewStats(); return { p: s.frame.prepare_ms, a: s.synapses.active, level: h.camera().level } })()`)) as { p: number; a: number; level: string }
      prep.push(r.p)
      spikes += r.a
    }
    const level = ((await page.evaluate('window.__neuroplast.camera().level')) as string)
    console.log(`${label} [${level}]: prepare median ${q(prep, 0.5).toFixed(2)} ms, p95 ${q(prep, 0.95).toFixed(2)} ms, max ${Math.max(...prep).toFixed(2)} ms over ${FRAMES} frames (${STEPS} steps each; mean ${(spikes / FRAMES).toFixed(0)} active lines)`)
  }
} finally {
  await browser.close()
  await server.close()
}
