/**
 * Bookkeeping of the membrane system (systems/membrane.ts), per world, outside its hot loops:
 *
 *   - model lists: the Izhikevich and LIF neuron ids (ascending), rebuilt when the neuron set
 *     changes, each with the parameters all its neurons share (I_bias, noiseSigma, LIF C, g_L, E_L,
 *     V_th), which the loops then use as constants instead of reading an array per neuron;
 *   - the rule that keeps those constants right: code that writes such a parameter other than
 *     through addNeuron calls `neuronParamsChanged(sim)`; a safety check compares 1/256 of the
 *     neurons with the shared values every step and throws on a change made without it;
 *   - spike flags: `spiked` is set for this step's spikers and cleared for last step's, instead of
 *     being written for every neuron every step;
 *   - the averaged rate, kept lazily (equations in systems/membrane.ts): advanced per spike,
 *     read through `activityRate_Hz`;
 *   - whether any `forceSpike` is set, by a word-wise scan of the store.
 * None of this is state: it is derived from the stores (a snapshot-loaded world rebuilds it).
 */
import { hasComponent } from 'bitecs'
import type { Sim } from '../src/engine/world.ts'
import { exp } from '../src/engine/detmath.ts'
import { neuronIds } from '../src/engine/entities.ts'

/**
 * One model's neurons: ids (ascending) and the parameters they all share. Which parameters are
 * shared is decided when the list is built; a shared one is a loop constant, not an array read.
 * U: [0] I_bias shared (1/0), [1] its value, [2] noiseSigma shared, [3] its value,
 *    [4] LIF C, g_L, E_L, V_th shared, [5–8] their values.
 */
export interface ModelList {
  ids: Uint32Array
  U: Float64Array
}
export const U_BIAS = 0
export const U_NOISE = 2
export const U_LIF = 4

/** Per-world cache: model lists (from one version of the neuron list) and last step's spikers. */
export interface MembraneCache {
  source: Uint32Array
  izh: ModelList
  lif: ModelList
  /** Last step's spiking neurons (their `spiked` flag is 1); valid while `spikedKnown`. */
  prev: Uint32Array
  prevCount: number
  /** False until every listed neuron's `spiked` was cleared once (new world, snapshot, new list). */
  spikedKnown: boolean
  /** Next list position the safety check of shared parameters looks at. */
  checkAt: number
  /** `Neuron.forceSpike` as 32-bit words (for `anyForced`), rebuilt when the store grows. */
  forceWords: Uint32Array | null
}
const caches = new WeakMap<Sim, MembraneCache>()

export function cacheFor(sim: Sim): MembraneCache {
  const ids = neuronIds(sim)
  const cached = caches.get(sim)
  // neuronIds hands out a new array whenever the neuron set changed.
  if (cached && cached.source === ids) return cached
  const { Izhikevich, LIF } = sim.components
  const izh: number[] = []
  const lif: number[] = []
  for (let i = 0; i < ids.length; i++) {
    const n = ids[i]!
    if (hasComponent(sim.world, n, Izhikevich)) izh.push(n)
    if (hasComponent(sim.world, n, LIF)) lif.push(n)
  }
  const c: MembraneCache = {
    source: ids,
    izh: modelList(sim, Uint32Array.from(izh), false),
    lif: modelList(sim, Uint32Array.from(lif), true),
    prev: new Uint32Array(Math.max(izh.length + lif.length, cached?.prevCount ?? 0)),
    prevCount: 0,
    spikedKnown: cached?.spikedKnown === true,
    checkAt: 0,
    forceWords: cached?.forceWords ?? null,
  }
  if (cached) {
    // Last step's spikers still carry spiked = 1, whatever the new list holds.
    c.prev.set(cached.prev.subarray(0, cached.prevCount))
    c.prevCount = cached.prevCount
  }
  caches.set(sim, c)
  return c
}

/** The value every neuron of `ids` has in `a`, or undefined if they differ (or there are none). */
function shared(a: Float64Array, ids: Uint32Array): number | undefined {
  if (ids.length === 0) return undefined
  const x = a[ids[0]!]!
  for (let i = 1; i < ids.length; i++) if (!Object.is(a[ids[i]!]!, x)) return undefined
  return x
}

function modelList(sim: Sim, ids: Uint32Array, isLif: boolean): ModelList {
  const N = sim.components.Neuron
  const L = sim.components.LIF
  const U = new Float64Array(9)
  const put = (slot: number, values: (number | undefined)[]) => {
    if (values.some((x) => x === undefined)) return
    U[slot] = 1
    values.forEach((x, k) => (U[slot + 1 + k] = x!))
  }
  put(U_BIAS, [shared(N.I_bias, ids)])
  put(U_NOISE, [shared(N.noiseSigma, ids)])
  if (isLif) put(U_LIF, [L.C_pF, L.gL_nS, L.EL_mV, L.Vth_mV].map((a) => shared(a, ids)))
  return { ids, U }
}

/**
 * Call after writing a neuron's model parameters, `I_bias` or `noiseSigma` other than through
 * addNeuron (which does it): the membrane loops hold the values all neurons of a model share as
 * constants. (markNeuronsChanged has the same effect.)
 */
export function neuronParamsChanged(sim: Sim): void {
  const c = caches.get(sim)
  if (c) c.source = new Uint32Array(0)
}

/**
 * Safety net for the rule above: every step, 1/256 of each list (at least 16 neurons) is compared
 * with the shared values, so a parameter written without neuronParamsChanged is reported within
 * 256 steps instead of being silently ignored (≈ 0.05 ns per neuron-step).
 */
export function checkShared(sim: Sim, c: MembraneCache): void {
  const span = Math.max(16, Math.ceil(Math.max(c.izh.ids.length, c.lif.ids.length) / 256))
  const bad = sharedMismatch(sim, c.izh, c.checkAt, span) ?? sharedMismatch(sim, c.lif, c.checkAt, span)
  if (bad !== undefined) throw new Error(`membrane: ${bad} changed without neuronParamsChanged(sim) (systems/membrane.ts)`)
  c.checkAt += span
}

/** First neuron among `span` list positions from `at` whose shared parameter changed, described. */
function sharedMismatch(sim: Sim, list: ModelList, at: number, span: number): string | undefined {
  const { ids, U } = list
  const len = ids.length
  if (len === 0) return undefined
  const { I_bias, noiseSigma } = sim.components.Neuron
  const { C_pF, gL_nS, EL_mV, Vth_mV } = sim.components.LIF
  for (let k = 0; k < Math.min(span, len); k++) {
    const n = ids[(at + k) % len]!
    if (U[U_BIAS] === 1 && !Object.is(I_bias[n], U[U_BIAS + 1])) return `I_bias of neuron ${n}`
    if (U[U_NOISE] === 1 && !Object.is(noiseSigma[n], U[U_NOISE + 1])) return `noiseSigma of neuron ${n}`
    if (
      U[U_LIF] === 1 &&
      !(Object.is(C_pF[n], U[U_LIF + 1]) && Object.is(gL_nS[n], U[U_LIF + 2]) && Object.is(EL_mV[n], U[U_LIF + 3]) && Object.is(Vth_mV[n], U[U_LIF + 4]))
    )
      return `LIF parameters of neuron ${n}`
  }
  return undefined
}

/**
 * Whether any `forceSpike` is set. Stimulation sets it, and so may code between steps (tests force
 * spikes directly), so the store is scanned — four neurons per 32-bit word, ≈ 0.3 ns per neuron —
 * and the loops read it per neuron only in steps where something is set.
 */
export function anyForced(sim: Sim, c: MembraneCache): boolean {
  const f = sim.components.Neuron.forceSpike
  let w = c.forceWords
  if (w === null || w.buffer !== f.buffer) {
    if (f.byteOffset % 4 !== 0) return true
    w = c.forceWords = new Uint32Array(f.buffer, f.byteOffset, f.length >> 2)
  }
  // Up to the highest listed id (ids beyond it are not neurons now).
  const last = Math.max(lastId(c.izh.ids), lastId(c.lif.ids))
  const words = Math.min(w.length, (last >> 2) + 1)
  for (let i = 0; i < words; i++) if (w[i] !== 0) return true
  for (let i = words * 4; i <= last; i++) if (f[i] !== 0) return true
  return false
}

function lastId(ids: Uint32Array): number {
  return ids.length > 0 ? ids[ids.length - 1]! : -1
}

/** `spiked` back to 0 for last step's spikers (or, the first time, for every listed neuron). */
export function clearSpiked(sim: Sim, c: MembraneCache): void {
  const spiked = sim.components.Neuron.spiked
  if (c.spikedKnown) {
    for (let k = 0; k < c.prevCount; k++) spiked[c.prev[k]!] = 0
  } else {
    for (const { ids } of [c.izh, c.lif]) for (let i = 0; i < ids.length; i++) spiked[ids[i]!] = 0
    c.spikedKnown = true
  }
  c.prevCount = 0
}

/** Per spike at time t: the flag, the time, the averaged rate advanced to t and bumped. */
export function recordSpikes(sim: Sim, c: MembraneCache, ids: Uint32Array, count: number, t: number): void {
  const { spiked, lastSpike_ms, rate_Hz } = sim.components.Neuron
  const tau = sim.params.activityTau_ms
  const jump = 1000 / tau
  for (let k = 0; k < count; k++) {
    const n = ids[k]!
    spiked[n] = 1
    rate_Hz[n] = rate_Hz[n]! * exp((lastSpike_ms[n]! - t) / tau) + jump
    lastSpike_ms[n] = t
    c.prev[k] = n
  }
  c.prevCount = count
}

/**
 * A neuron's averaged firing rate (Hz) after the last completed step: the value `rate_Hz` had at
 * its last spike, decayed to now (see the header). 0 for a neuron that never fired.
 */
export function activityRate_Hz(sim: Sim, n: number): number {
  const N = sim.components.Neuron
  const t = (sim.time.step - 1) * sim.time.dt_ms
  return N.rate_Hz[n]! * exp((N.lastSpike_ms[n]! - t) / sim.params.activityTau_ms)
}
