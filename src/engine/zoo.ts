/**
 * Experiment harness for single-neuron validation (DOM-free; used by tests and docs/neuron-zoo.md):
 * the Izhikevich (2003) neuron zoo run through the real engine pipeline, and objective
 * firing-pattern features and classes. (Population spectra: src/engine/spectrum.ts.)
 *
 * Zoo run: a world with one Izhikevich neuron of the given type at the origin, v(0) = −65 mV,
 * u(0) = b·v(0), and one electrode in current mode over it; the current protocol is a list of
 * step / ramp pieces, each started as a protocol on that electrode (pieces add). Spike times are
 * t = step · dt of the steps in which the neuron fired.
 *
 * Firing features (spike times within the stimulus window only; thresholds in CLASS_CRITERIA):
 *   burst          a maximal run of ≥ 2 spikes with every ISI < burstIsi_ms (10 ms, 100 Hz), set off
 *                  by a pause ≥ burstPause (3) × its mean ISI on each side (stimulus onset and window
 *                  end count as pauses)
 *   onsetBurst     spikes in a burst that starts with the first spike, or — an accelerated onset
 *                  with no pause after it (LTS) — the leading spikes whose ISIs are < 10 ms and
 *                  < steadyIsi / onsetRatio (3); 1 = no onset burst
 *   steadyIsi      median ISI of the second half of the window; lateRate: rate in that half
 *   adaptation     rate in the first early_ms (100 ms) / lateRate  (spike-frequency adaptation)
 *   lateCv         CV of the second-half ISIs (regularity; reported, not used for the class)
 * Classes, first match wins:
 *   sparse                 fewer than 3 spikes
 *   chattering             ≥ 3 bursts holding ≥ half of the spikes                      (CH)
 *   burst-then-tonic       onset burst, no later burst, lateRate < fast_Hz (40 Hz)       (IB)
 *   burst-then-fast-tonic  onset burst, no later burst, lateRate ≥ 40 Hz                 (LTS)
 *   mixed                  later bursts, too few for chattering
 *   tonic-adapting         no burst, adaptation ≥ adaptRatio (1.25)                      (RS)
 *   fast-tonic             no burst, no adaptation, lateRate ≥ 40 Hz                     (FS)
 *   tonic                  no burst, no adaptation, slower
 * Rebound (TC, release from a hyperpolarising step): 'rebound-burst' = no spike during the
 * hyperpolarisation, ≥ 2 spikes after release, the first within reboundWindow_ms (100 ms), first
 * ISI < 10 ms, and silence from 100 ms after release on; 'rebound-spiking' = spikes after release
 * that fail the burst test.
 *
 * References: Izhikevich EM (2003) Simple model of spiking neurons. IEEE TNN 14:1569.
 *   doi:10.1109/TNN.2003.820440 (Fig. 2: firing classes)
 */
import type { IzhType } from '../../components/neuron.ts'
import { query } from 'bitecs'
import { addElectrode, addNeuron, neuronIds } from './entities.ts'
import { startProtocol } from './protocols.ts'
import { runSteps } from './pipeline.ts'
import { createSim, type Integrator, type Scene, type Sim } from './world.ts'

// ---------------------------------------------------------------------------------------------
// Zoo runs
// ---------------------------------------------------------------------------------------------

/** One piece of injected current (model units, mV/ms for C = 1), from start_ms for duration_ms. */
export type CurrentPiece =
  | { kind: 'step'; amplitude: number; start_ms: number; duration_ms: number }
  | { kind: 'ramp'; from: number; to: number; start_ms: number; duration_ms: number }

/** The zoo's standard input: I = 10 from 0 to 1000 ms (Izhikevich 2003 Fig. 2 style step). */
export const ZOO_STEP: CurrentPiece[] = [{ kind: 'step', amplitude: 10, start_ms: 0, duration_ms: 1000 }]
/** TC rebound: I = −10 from 100 to 300 ms, then 0 (release from hyperpolarisation). */
export const TC_REBOUND: CurrentPiece[] = [{ kind: 'step', amplitude: -10, start_ms: 100, duration_ms: 200 }]

export interface ZooOptions {
  integrator: Integrator
  dt_ms: number
  /** Injected current (default ZOO_STEP). */
  current?: CurrentPiece[]
  /** Simulated time (default: end of the last current piece, at least 1000 ms). */
  duration_ms?: number
  /** Record v and u after every step. */
  trace?: boolean
}

export interface ZooRun {
  type: IzhType
  integrator: Integrator
  dt_ms: number
  duration_ms: number
  spikes_ms: number[]
  /** v after each step (only with `trace`), spikes drawn at the 30 mV cut-off. */
  v_mV?: Float64Array
  /** u after each step (only with `trace`; after the reset u ← u + d in spike steps). */
  u?: Float64Array
}

/** A scene with one neuron of `type` and a current electrode over it. */
export function zooScene(type: IzhType, integrator: Integrator, dt_ms: number): Scene {
  return {
    name: `zoo-${type}`,
    clock: { dt_ms, slowTick_ms: 1000, timeWarp: 1 },
    params: { integrator, populations: [type], scene: { type, integrator, dt_ms } },
    build(sim) {
      addNeuron(sim, { type, x_um: 0, y_um: 0, v_mV: -65 })
      addElectrode(sim, { x_um: 0, y_um: 0, radius_um: 1, mode: 'current' })
    },
  }
}

function checkPieces(current: CurrentPiece[]): void {
  current.forEach((c, i) => {
    const bad = (f: string, v: unknown) => new Error(`zoo current[${i}].${f}: ${String(v)} is not valid`)
    if (c.kind !== 'step' && c.kind !== 'ramp') throw bad('kind', (c as { kind: unknown }).kind)
    if (!(c.start_ms >= 0)) throw bad('start_ms', c.start_ms)
    if (!(c.duration_ms > 0)) throw bad('duration_ms', c.duration_ms)
    const amps = c.kind === 'step' ? { amplitude: c.amplitude } : { from: c.from, to: c.to }
    for (const [f, v] of Object.entries(amps)) if (!Number.isFinite(v)) throw bad(f, v)
  })
}

/** Run one zoo neuron through the engine pipeline and return its spike times. */
export function runZooNeuron(type: IzhType, opts: ZooOptions): ZooRun {
  const current = opts.current ?? ZOO_STEP
  checkPieces(current)
  const end = Math.max(1000, ...current.map((c) => c.start_ms + c.duration_ms))
  const duration_ms = opts.duration_ms ?? end
  const sim = createSim(zooScene(type, opts.integrator, opts.dt_ms), 1)
  const neuron = neuronIds(sim)[0]!
  const electrode = query(sim.world, sim.queries.electrodes)[0]!
  for (const c of current) {
    const { start_ms, ...rest } = c
    startProtocol(sim, electrode, rest, start_ms)
  }
  const steps = Math.round(duration_ms / sim.time.dt_ms)
  const spikes_ms: number[] = []
  const v_mV = opts.trace ? new Float64Array(steps) : undefined
  const u = opts.trace ? new Float64Array(steps) : undefined
  const observe = (s: Sim): void => {
    const N = s.components.Neuron
    const k = s.time.step
    if (N.spiked[neuron] === 1) spikes_ms.push(k * s.time.dt_ms)
    if (v_mV && u) {
      v_mV[k] = N.spiked[neuron] === 1 ? 30 : N.v_mV[neuron]!
      u[k] = s.components.Izhikevich.u[neuron]!
    }
  }
  runSteps(sim, steps, [observe])
  return { type, integrator: opts.integrator, dt_ms: opts.dt_ms, duration_ms, spikes_ms, v_mV, u }
}

// ---------------------------------------------------------------------------------------------
// Firing features and classes
// ---------------------------------------------------------------------------------------------

/** Thresholds of the firing classes (see the header); written once so tests and docs quote them. */
export const CLASS_CRITERIA = {
  /** An ISI shorter than this can be inside a burst (100 Hz). */
  burstIsi_ms: 10,
  /** A burst is delimited by ISIs (or silence) at least this many times its mean intra-burst ISI. */
  burstPause: 3,
  /** Onset burst: leading ISIs shorter than steadyIsi / onsetRatio (and than burstIsi_ms). */
  onsetRatio: 3,
  /** Chattering: at least this many bursts … */
  chatterBursts: 3,
  /** … holding at least this fraction of all spikes. */
  chatterFraction: 0.5,
  /** "Fast" tonic firing: late rate at least this (gamma range). */
  fast_Hz: 40,
  /** Adapting: rate over the first `early_ms` at least this times the late rate. */
  adaptRatio: 1.25,
  early_ms: 100,
  /** Rebound burst: starts within this time after release and is over by then. */
  reboundWindow_ms: 100,
} as const

export type FiringClass =
  | 'chattering'
  | 'burst-then-tonic'
  | 'burst-then-fast-tonic'
  | 'fast-tonic'
  | 'tonic-adapting'
  | 'tonic'
  | 'mixed'
  | 'sparse'

export interface FiringFeatures {
  count: number
  rate_Hz: number
  /** Rate over the second half of the stimulus window (Hz) */
  lateRate_Hz: number
  /** Rate over the first `early_ms` of the stimulus window (Hz) */
  earlyRate_Hz: number
  /** earlyRate / lateRate (≥ adaptRatio: adapting). */
  adaptation: number
  /** Median ISI among ISIs starting in the second half. */
  steadyIsi_ms: number
  /** Coefficient of variation of those ISIs (0: perfectly regular). */
  lateCv: number
  firstIsi_ms: number
  /** Spikes in the onset burst (1: none). */
  onsetBurst: number
  /** Pause-delimited bursts in the whole window (an onset burst counts if a pause follows it). */
  bursts: number
  /** Pause-delimited bursts that do not start with the first spike. */
  laterBursts: number
  burstSpikes: number
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** Bursts: maximal runs of ISIs < burstIsi_ms with a pause (or the window edge) of ≥ burstPause × their mean ISI on each side. */
export function findBursts(spikes_ms: number[], span: { from_ms: number; to_ms: number }): { first: number; count: number }[] {
  const { burstIsi_ms, burstPause } = CLASS_CRITERIA
  const out: { first: number; count: number }[] = []
  let i = 0
  while (i < spikes_ms.length - 1) {
    if (spikes_ms[i + 1]! - spikes_ms[i]! >= burstIsi_ms) {
      i++
      continue
    }
    let j = i + 1
    while (j + 1 < spikes_ms.length && spikes_ms[j + 1]! - spikes_ms[j]! < burstIsi_ms) j++
    const meanIsi = (spikes_ms[j]! - spikes_ms[i]!) / (j - i)
    const before = i > 0 ? spikes_ms[i]! - spikes_ms[i - 1]! : spikes_ms[i]! - span.from_ms
    const after = j + 1 < spikes_ms.length ? spikes_ms[j + 1]! - spikes_ms[j]! : span.to_ms - spikes_ms[j]!
    // An onset burst needs no pause before it: the stimulus onset delimits it.
    if ((i === 0 || before >= burstPause * meanIsi) && after >= burstPause * meanIsi) out.push({ first: i, count: j - i + 1 })
    i = j + 1
  }
  return out
}

/** Features of the spikes within [from_ms, to_ms) (the stimulus window). */
export function firingFeatures(spikes: number[], window: { from_ms: number; to_ms: number }): FiringFeatures {
  const { from_ms, to_ms } = window
  const s = spikes.filter((t) => t >= from_ms && t < to_ms)
  const dur = to_ms - from_ms
  const mid = from_ms + dur / 2
  const isis = s.slice(1).map((t, i) => t - s[i]!)
  const late = isis.filter((_, i) => s[i]! >= mid)
  const steady = median(late)
  const mean = late.reduce((a, b) => a + b, 0) / late.length
  const sd = Math.sqrt(late.reduce((a, b) => a + (b - mean) ** 2, 0) / late.length)
  const lateRate = (s.filter((t) => t >= mid).length * 1000) / (to_ms - mid)
  const earlyRate = (s.filter((t) => t < from_ms + CLASS_CRITERIA.early_ms).length * 1000) / CLASS_CRITERIA.early_ms
  // Onset burst: a pause-delimited burst starting with the first spike, or (LTS-like accelerated
  // onset without a pause) the leading spikes whose ISIs are < burstIsi_ms and < steadyIsi / onsetRatio.
  const bursts = findBursts(s, window)
  let onset = s.length > 0 ? 1 : 0
  for (const isi of isis) {
    if (isi < CLASS_CRITERIA.burstIsi_ms && isi < steady / CLASS_CRITERIA.onsetRatio) onset++
    else break
  }
  const leading = bursts.length > 0 && bursts[0]!.first === 0
  if (leading) onset = Math.max(onset, bursts[0]!.count)
  return {
    count: s.length,
    rate_Hz: (s.length * 1000) / dur,
    lateRate_Hz: lateRate,
    earlyRate_Hz: earlyRate,
    adaptation: lateRate > 0 ? earlyRate / lateRate : NaN,
    steadyIsi_ms: steady,
    lateCv: late.length > 1 ? sd / mean : NaN,
    firstIsi_ms: isis.length ? isis[0]! : NaN,
    onsetBurst: onset,
    bursts: bursts.length,
    laterBursts: bursts.length - (leading ? 1 : 0),
    burstSpikes: bursts.reduce((a, b) => a + b.count, 0),
  }
}

/** The firing class of a response to a depolarising step (rules in the header, in this order). */
export function classifyFiring(f: FiringFeatures): FiringClass {
  const c = CLASS_CRITERIA
  if (f.count < 3 || !(f.lateRate_Hz > 0)) return 'sparse'
  if (f.bursts >= c.chatterBursts && f.burstSpikes >= c.chatterFraction * f.count) return 'chattering'
  const fast = f.lateRate_Hz >= c.fast_Hz
  if (f.onsetBurst >= 2 && f.laterBursts === 0) return fast ? 'burst-then-fast-tonic' : 'burst-then-tonic'
  if (f.bursts > 0) return 'mixed' // some later bursts, too few for chattering
  if (f.adaptation >= c.adaptRatio) return 'tonic-adapting'
  return fast ? 'fast-tonic' : 'tonic'
}

export type ReboundClass = 'rebound-burst' | 'rebound-spiking' | 'no-rebound' | 'fires-while-hyperpolarised'

/**
 * Response to release from a hyperpolarising step [from_ms, release_ms): a rebound burst is ≥ 2
 * spikes after release, the first within `reboundWindow_ms`, first ISI < burstIsi_ms, and silence
 * from `reboundWindow_ms` after release on; no spike during the hyperpolarisation.
 */
export function classifyRebound(spikes: number[], from_ms: number, release_ms: number, end_ms: number): ReboundClass {
  const c = CLASS_CRITERIA
  if (spikes.some((t) => t >= from_ms && t < release_ms)) return 'fires-while-hyperpolarised'
  const after = spikes.filter((t) => t >= release_ms && t < end_ms)
  if (after.length === 0 || after[0]! >= release_ms + c.reboundWindow_ms) return 'no-rebound'
  const contained = after.every((t) => t < release_ms + c.reboundWindow_ms)
  if (after.length >= 2 && after[1]! - after[0]! < c.burstIsi_ms && contained) return 'rebound-burst'
  return 'rebound-spiking'
}
