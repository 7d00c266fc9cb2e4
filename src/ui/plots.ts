/**
 * Plots panel (uPlot): population firing rates over the last RATE_BINS × RATE_BIN_MS of tissue
 * time (spikes from the world's events ring, through the panel's own cursor), the mean weight of
 * each named pathway relative to its value when sampling began (every WEIGHT_EVERY_MS of tissue
 * time: the plot in which LTP shows), and a histogram of the excitatory weights now. Data are
 * gathered every frame the world advanced (spike counting is per event, weights per sample); the
 * charts are redrawn only while the panel is open, at most every REDRAW_MS of wall time.
 */
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { readSince, EV_SPIKE } from '../engine/events.ts'
import { neuronIds } from '../engine/entities.ts'
import { RECEPTOR_GABA_A } from '../../components/synapse.ts'
import type { Sim } from '../engine/world.ts'
import type { App } from './app.ts'

export const RATE_BIN_MS = 10
export const RATE_BINS = 300
export const WEIGHT_EVERY_MS = 20
export const WEIGHT_SAMPLES = 1500
const REDRAW_MS = 250
const HIST_BINS = 30
const COLORS = ['#ffd23f', '#7dfcff', '#e0703c', '#3c9be0', '#5fd35a', '#ff5ad2', '#c8a0ff', '#ff6b6b']

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id)
  if (!e) throw new Error(`index.html is missing #${id}`)
  return e as T
}

export interface Plots {
  update(): void
  /** Rates (Hz) per population over the complete bins kept: { population: [...] }. */
  rates(): Record<string, number[]>
  /** Mean weight per pathway at each sample: { t_ms: [...], pathway: [...] }. */
  weights(): Record<string, number[]>
}

const axes = (ylabel?: string): uPlot.Axis[] => [
  { stroke: '#8a96a8', grid: { stroke: '#2a3344', width: 1 }, ticks: { stroke: '#2a3344' }, size: 30 },
  { stroke: '#8a96a8', grid: { stroke: '#2a3344', width: 1 }, ticks: { stroke: '#2a3344' }, size: 46, ...(ylabel ? { label: ylabel, labelSize: 12 } : {}) },
]

export function createPlots(app: App): Plots {
  const panel = el<HTMLDetailsElement>('plots-panel')
  const hosts = { rates: el<HTMLElement>('plot-rates'), weights: el<HTMLElement>('plot-weights'), hist: el<HTMLElement>('plot-hist') }
  let sim: Sim = app.session.sim
  let cursor = 0
  let counts: Float64Array[] = [] // per population, ring of RATE_BINS bins
  let popSize: number[] = []
  let popVersion = -1
  let lastBin = 0 // absolute index of the newest bin touched
  let pathways: number[] = [] // pathway indices plotted
  let wT: number[] = []
  let wY: number[][] = []
  let w0: number[] = []
  let nextWeight_ms = 0
  let lastStep = -1
  let lastDraw = 0
  let charts: { rates?: uPlot; weights?: uPlot; hist?: uPlot } = {}
  let chartKey = ''

  function reset(): void {
    sim = app.session.sim
    cursor = sim.events.total
    const P = sim.params.populations.length
    counts = Array.from({ length: P }, () => new Float64Array(RATE_BINS))
    popVersion = -1
    lastBin = Math.floor((sim.time.step * sim.time.dt_ms) / RATE_BIN_MS)
    pathways = sim.params.pathways.map((_, i) => i).filter((i) => sim.params.pathways[i] !== 'none')
    wT = []
    wY = pathways.map(() => [])
    w0 = []
    nextWeight_ms = sim.time.step * sim.time.dt_ms
    lastStep = -1
    for (const c of Object.values(charts)) c?.destroy()
    charts = {}
    chartKey = ''
  }

  function sizes(): void {
    if (popVersion === sim.indices.neurons.version) return
    popVersion = sim.indices.neurons.version
    const N = sim.components.Neuron
    popSize = sim.params.populations.map(() => 0)
    for (const n of neuronIds(sim)) popSize[N.population[n]!] = (popSize[N.population[n]!] ?? 0) + 1
  }

  function advanceBins(to: number): void {
    // Clear the bins that come into use.
    for (let b = lastBin + 1; b <= to && b <= lastBin + RATE_BINS; b++) for (const c of counts) c[b % RATE_BINS] = 0
    if (to > lastBin) lastBin = to
  }

  function meanWeights(): number[] {
    const S = sim.components.Synapse
    const sum = pathways.map(() => 0)
    const n = pathways.map(() => 0)
    const slot = new Int32Array(256).fill(-1)
    pathways.forEach((p, i) => (slot[p] = i))
    for (let s = 1; s < S.alive.length; s++) {
      if (S.alive[s] === 0) continue
      const i = slot[S.pathway[s]!]!
      if (i < 0) continue
      sum[i]! += S.weight[s]!
      n[i]!++
    }
    return sum.map((x, i) => (n[i] ? x / n[i]! : NaN))
  }

  function gather(): void {
    const step = sim.time.step
    if (step === lastStep) return
    lastStep = step
    sizes()
    const dt = sim.time.dt_ms
    const ev = sim.events
    const N = sim.components.Neuron
    cursor = readSince(ev, cursor, (i) => {
      if (ev.kind[i] !== EV_SPIKE) return
      const b = Math.floor((ev.step[i]! * dt) / RATE_BIN_MS)
      if (b > lastBin) advanceBins(b)
      if (b <= lastBin - RATE_BINS) return
      const c = counts[N.population[ev.a[i]!]!]
      if (c) c[b % RATE_BINS]!++
    })
    advanceBins(Math.floor((step * dt) / RATE_BIN_MS))
    const t = step * dt
    if (pathways.length && t >= nextWeight_ms) {
      nextWeight_ms = t + WEIGHT_EVERY_MS
      const m = meanWeights()
      if (!w0.length) w0 = m
      wT.push(t / 1000)
      m.forEach((x, i) => wY[i]!.push(x / w0[i]!))
      if (wT.length > WEIGHT_SAMPLES) {
        wT.shift()
        for (const y of wY) y.shift()
      }
    }
  }

  function rateSeries(): { t: number[]; y: number[][] } {
    const complete = lastBin // the newest bin is still filling
    const first = Math.max(0, complete - RATE_BINS + 1)
    const t: number[] = []
    const y: number[][] = counts.map(() => [])
    for (let b = first; b < complete; b++) {
      t.push((b * RATE_BIN_MS) / 1000)
      counts.forEach((c, p) => y[p]!.push(popSize[p] ? c[b % RATE_BINS]! / popSize[p]! / (RATE_BIN_MS / 1000) : 0))
    }
    return { t, y }
  }

  function histogram(): { x: number[]; y: number[] } {
    const S = sim.components.Synapse
    let lo = Infinity
    let hi = -Infinity
    for (let s = 1; s < S.alive.length; s++) {
      if (S.alive[s] === 0 || S.receptor[s] === RECEPTOR_GABA_A || S.weight[s]! < 0) continue
      lo = Math.min(lo, S.weight[s]!)
      hi = Math.max(hi, S.weight[s]!)
    }
    if (!(hi >= lo)) return { x: [], y: [] }
    if (hi === lo) hi = lo + (lo || 1) * 0.01
    const w = (hi - lo) / HIST_BINS
    const y = new Array<number>(HIST_BINS).fill(0)
    for (let s = 1; s < S.alive.length; s++) {
      if (S.alive[s] === 0 || S.receptor[s] === RECEPTOR_GABA_A || S.weight[s]! < 0) continue
      y[Math.min(HIST_BINS - 1, Math.floor((S.weight[s]! - lo) / w))]!++
    }
    return { x: y.map((_, i) => lo + (i + 0.5) * w), y }
  }

  function draw(): void {
    const width = Math.max(200, Math.floor(hosts.rates.clientWidth || 270))
    const key = `${width}|${sim.sceneName}|${sim.params.populations.join()}|${pathways.join()}`
    if (key !== chartKey) {
      for (const c of Object.values(charts)) c?.destroy()
      chartKey = key
      const pops = sim.params.populations
      charts.rates = new uPlot(
        { width, height: 150, legend: { live: false }, cursor: { show: false }, scales: { x: { time: false } }, axes: axes(),
          series: [{ label: 't (s)' }, ...pops.map((p, i) => ({ label: p, stroke: COLORS[i % COLORS.length]!, width: 1.2, points: { show: false } }))] },
        [[], ...pops.map(() => [])] as uPlot.AlignedData, hosts.rates)
      charts.weights = new uPlot(
        { width, height: 130, legend: { live: false }, cursor: { show: false }, scales: { x: { time: false } }, axes: axes(),
          series: [{ label: 't (s)' }, ...pathways.map((p, i) => ({ label: sim.params.pathways[p]!, stroke: COLORS[i % COLORS.length]!, width: 1.5, points: { show: false } }))] },
        [[], ...pathways.map(() => [])] as uPlot.AlignedData, hosts.weights)
      charts.hist = new uPlot(
        { width, height: 120, legend: { show: false }, cursor: { show: false }, scales: { x: { time: false } }, axes: axes(),
          series: [{}, { label: 'synapses', stroke: '#e0703c', fill: 'rgba(224,112,60,0.5)', paths: uPlot.paths.bars!({ size: [0.9, 40] }), points: { show: false } }] },
        [[], []], hosts.hist)
    }
    const r = rateSeries()
    charts.rates!.setData([r.t, ...r.y] as uPlot.AlignedData)
    charts.weights!.setData([wT, ...wY] as uPlot.AlignedData)
    const h = histogram()
    charts.hist!.setData([h.x, h.y])
  }

  reset()
  app.onReplace(reset)
  return {
    update() {
      if (app.session.sim !== sim) reset()
      gather()
      if (!panel.open) return
      const now = performance.now()
      if (now - lastDraw < REDRAW_MS && chartKey) return
      lastDraw = now
      draw()
    },
    rates() {
      const r = rateSeries()
      return Object.fromEntries(sim.params.populations.map((p, i) => [p, r.y[i]!]))
    },
    weights() {
      return { t_ms: wT.map((t) => t * 1000), ...Object.fromEntries(pathways.map((p, i) => [sim.params.pathways[p]!, wY[i]!.map((y) => y * w0[i]!)])) }
    },
  }
}
