/**
 * Spike sources: Poisson input neurons (model and equations: components/spikeSource.ts). Runs in
 * every fast step right after the membrane and before propagation, and appends the sources that
 * fire this step to `sim.spikes`, so that propagation, STDP, iSTDP, probes and the events ring see
 * them exactly like membrane spikes of the same step (`sim.spikes` stays in ascending id order).
 *
 * Per spike at step n (t = n · dt), as the membrane records its spikes (systems/membraneCache.ts,
 * recordSpikes): `Neuron.spiked` = 1 for this step (cleared at the next step), `lastSpike_ms` = t,
 * averaged rate r ← r · exp((t_last − t)/τ_act) + 1000/τ_act (read with `activityRate_Hz`). Then the
 * next spike step is drawn: n + 1 + floor(E/c), E ~ Exp(1) from the 'spikeSources' stream
 * (ziggurat, no log per spike), c = −ln(1 − rate·dt/1000).
 *
 * Cost per spike, not per source-step: the sources wait in a binary heap ordered by (next step, id);
 * a step pops the due ones (in ascending id order for equal steps, which is also the order of the
 * draws, so the stream is consumed canonically). The heap is a cache, rebuilt from `nextStep` when
 * the neuron set changes or after `setSourceRate` — a pure function of the stores, so a world loaded
 * from a snapshot pops the same spikes in the same order. A world without sources returns after one
 * comparison.
 *
 * | parameter (per source) | unit | default | meaning                                    |
 * |------------------------|------|---------|--------------------------------------------|
 * | rate_Hz                | Hz   | –       | firing rate, rate·dt/1000 ≤ 1              |
 * | activityTau_ms (world) | ms   | 1000    | time constant of the averaged rate         |
 *
 * Limits: a source fires at most once per step (the Bernoulli process above; rates with
 * rate·dt/1000 > 1 are refused). Electrodes do not drive sources (they have no membrane), and a
 * rate written directly into the store rather than through `setSourceRate` takes effect at the
 * source's next spike.
 *
 * References: Song S, Miller KD, Abbott LF (2000) Nat Neurosci 3:919. doi:10.1038/78829
 *   Marsaglia G, Tsang WW (2000) J Stat Softw 5(8) (ziggurat; src/engine/rng.ts).
 */
import { addComponent, hasComponent } from 'bitecs'
import type { Sim } from '../src/engine/world.ts'
import { addNeuron, neuronIds } from '../src/engine/entities.ts'
import { ensure, clearEntity } from '../src/engine/store.ts'
import { exp, log } from '../src/engine/detmath.ts'
import { stream, standardExponential, type Stream } from '../src/engine/rng.ts'

/** Per-world cache (not state): the sources, their heap and last step's spikers. */
interface SourceCache {
  neuronsVersion: number
  stale: boolean
  /** The heap has been filled from the stores since this cache was built. */
  filled: boolean
  /** Source ids, ascending. */
  ids: Uint32Array
  /** Min-heap on (hStep, hId). */
  hStep: Float64Array
  hId: Uint32Array
  size: number
  /** This step's / last step's spiking sources (their `spiked` flag is 1). */
  prev: Uint32Array
  prevCount: number
  /** False until every source's `spiked` flag was cleared once (new world, snapshot). */
  spikedKnown: boolean
  /** dt and rate that `c` was computed for, and c = −ln(1 − rate·dt/1000). */
  dt: number
  rate: number
  c: number
}
const caches = new WeakMap<Sim, SourceCache>()

export interface SpikeSourceInit {
  rate_Hz: number
  excitatory?: boolean
  population?: number
  region?: number
  x_um?: number
  y_um?: number
  axonVelocity_m_per_s?: number
}

/** Add a Poisson spike source (a neuron without membrane model; components/spikeSource.ts). */
export function addSpikeSource(sim: Sim, init: SpikeSourceInit): number {
  const { rate_Hz, ...rest } = init
  const eid = addNeuron(sim, { ...rest, model: 'source' })
  const entry = sim.stores.SpikeSource
  ensure(entry, eid)
  clearEntity(entry, eid)
  addComponent(sim.world, eid, entry.data)
  setSourceRate(sim, eid, rate_Hz)
  return eid
}

/** Change a source's rate from the current step on (the next spike is redrawn: the process is memoryless). */
export function setSourceRate(sim: Sim, eid: number, rate_Hz: number): void {
  const S = sim.components.SpikeSource
  if (!hasComponent(sim.world, eid, S)) throw new Error(`setSourceRate: ${eid} is not a spike source`)
  if (!(rate_Hz >= 0) || !Number.isFinite(rate_Hz)) throw new Error(`spike source rate must be a finite number ≥ 0 Hz, got ${rate_Hz}`)
  if ((rate_Hz * sim.time.dt_ms) / 1000 > 1)
    throw new Error(`spike source rate ${rate_Hz} Hz exceeds one spike per step (dt = ${sim.time.dt_ms} ms): at most ${1000 / sim.time.dt_ms} Hz`)
  S.rate_Hz[eid] = rate_Hz
  S.nextStep[eid] = -1
  const c = caches.get(sim)
  if (c) c.stale = true
}

/** Number of spike sources in the world (0 ⇒ the system does nothing). */
export function spikeSourceCount(sim: Sim): number {
  return cacheFor(sim).ids.length
}

function cacheFor(sim: Sim): SourceCache {
  let c = caches.get(sim)
  const version = sim.indices.neurons.version
  if (c !== undefined && c.neuronsVersion === version && !c.stale) return c
  const ids = neuronIds(sim)
  const S = sim.components.SpikeSource
  const list: number[] = []
  for (let i = 0; i < ids.length; i++) if (hasComponent(sim.world, ids[i]!, S)) list.push(ids[i]!)
  const n = list.length
  const next: SourceCache = {
    neuronsVersion: version,
    stale: false,
    filled: false,
    ids: Uint32Array.from(list),
    hStep: new Float64Array(Math.max(1, n)),
    hId: new Uint32Array(Math.max(1, n)),
    size: 0,
    prev: new Uint32Array(Math.max(n, c?.prevCount ?? 0, 1)),
    prevCount: 0,
    spikedKnown: c?.spikedKnown === true,
    dt: NaN,
    rate: NaN,
    c: 0,
  }
  if (c !== undefined) {
    next.prev.set(c.prev.subarray(0, c.prevCount))
    next.prevCount = c.prevCount
  }
  caches.set(sim, next)
  return next
}

/** Fill the heap from the stores, drawing a first spike step for sources that have none. */
function fillHeap(sim: Sim, c: SourceCache, step: number, rng: () => Stream): void {
  const { rate_Hz, nextStep } = sim.components.SpikeSource
  c.size = 0
  for (let i = 0; i < c.ids.length; i++) {
    const n = c.ids[i]!
    if (!(rate_Hz[n]! > 0)) continue
    if (nextStep[n]! < 0) nextStep[n] = step + Math.floor(standardExponential(rng()) / rateConstant(sim, c, rate_Hz[n]!))
    push(c, nextStep[n]!, n)
  }
}

/** c = −ln(1 − p), p = rate·dt/1000 (∞ for p = 1: a spike every step), cached for the last rate. */
function rateConstant(sim: Sim, c: SourceCache, rate: number): number {
  const dt = sim.time.dt_ms
  if (rate !== c.rate || dt !== c.dt) {
    const p = (rate * dt) / 1000
    c.rate = rate
    c.dt = dt
    c.c = p >= 1 ? Infinity : -log(1 - p)
  }
  return c.c
}

export function spikeSources(sim: Sim): void {
  let c = caches.get(sim)
  if (c === undefined || c.neuronsVersion !== sim.indices.neurons.version || c.stale) c = cacheFor(sim)
  if (c.ids.length === 0 && c.prevCount === 0) return
  if (!c.filled) {
    let s: Stream | undefined
    fillHeap(sim, c, sim.time.step, () => (s ??= stream(sim.rng, 'spikeSources')))
    c.filled = true
  }
  const N = sim.components.Neuron
  const spiked = N.spiked
  if (c.spikedKnown) for (let k = 0; k < c.prevCount; k++) spiked[c.prev[k]!] = 0
  else {
    for (let i = 0; i < c.ids.length; i++) spiked[c.ids[i]!] = 0
    c.spikedKnown = true
  }
  c.prevCount = 0
  const step = sim.time.step
  if (c.size === 0 || c.hStep[0]! > step) return
  const rng = stream(sim.rng, 'spikeSources')
  const { rate_Hz, nextStep } = sim.components.SpikeSource
  const { lastSpike_ms } = N
  const avg = N.rate_Hz
  const t = step * sim.time.dt_ms
  const tau = sim.params.activityTau_ms
  const jump = 1000 / tau
  const sp = sim.spikes
  const before = sp.count
  while (c.size > 0 && c.hStep[0]! <= step) {
    const n = c.hId[0]!
    pop(c)
    if (sp.ids.length < sp.count + 1) {
      const grown = new Uint32Array(Math.max(64, 2 * (sp.count + c.ids.length)))
      grown.set(sp.ids.subarray(0, sp.count))
      sp.ids = grown
    }
    sp.ids[sp.count++] = n
    c.prev[c.prevCount++] = n
    spiked[n] = 1
    avg[n] = avg[n]! * exp((lastSpike_ms[n]! - t) / tau) + jump
    lastSpike_ms[n] = t
    const rate = rate_Hz[n]!
    if (rate > 0) {
      const k = step + 1 + Math.floor(standardExponential(rng) / rateConstant(sim, c, rate))
      nextStep[n] = k
      push(c, k, n)
    } else nextStep[n] = -1
  }
  // Keep sim.spikes ascending: membrane's ids come first; sort only when the two runs interleave.
  if (before > 0 && sp.count > before && sp.ids[before - 1]! > sp.ids[before]!) sp.ids.subarray(0, sp.count).sort()
}

// ---------------------------------------------------------------------------------------------
// Binary min-heap on (step, id)
// ---------------------------------------------------------------------------------------------

function less(c: SourceCache, i: number, j: number): boolean {
  const a = c.hStep[i]!
  const b = c.hStep[j]!
  return a < b || (a === b && c.hId[i]! < c.hId[j]!)
}

function swap(c: SourceCache, i: number, j: number): void {
  const s = c.hStep[i]!
  c.hStep[i] = c.hStep[j]!
  c.hStep[j] = s
  const d = c.hId[i]!
  c.hId[i] = c.hId[j]!
  c.hId[j] = d
}

function push(c: SourceCache, step: number, id: number): void {
  if (c.size === c.hStep.length) {
    const s = new Float64Array(c.size * 2)
    s.set(c.hStep)
    const d = new Uint32Array(c.size * 2)
    d.set(c.hId)
    c.hStep = s
    c.hId = d
  }
  let i = c.size++
  c.hStep[i] = step
  c.hId[i] = id
  while (i > 0) {
    const parent = (i - 1) >> 1
    if (!less(c, i, parent)) break
    swap(c, i, parent)
    i = parent
  }
}

function pop(c: SourceCache): void {
  const last = --c.size
  if (last === 0) return
  c.hStep[0] = c.hStep[last]!
  c.hId[0] = c.hId[last]!
  let i = 0
  for (;;) {
    const l = 2 * i + 1
    if (l >= last) break
    const r = l + 1
    const m = r < last && less(c, r, l) ? r : l
    if (!less(c, m, i)) break
    swap(c, i, m)
    i = m
  }
}
