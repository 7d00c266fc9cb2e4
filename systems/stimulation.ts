/**
 * Stimulation: electrodes running protocols, sensory input channels, Poisson background drive
 * and Gaussian noise currents. Writes only inputs (`Neuron.forceSpike`, `Neuron.I_ext`, this
 * step's slot of the delay ring), never membrane state.
 *
 * Electrode pulse, spike mode: every target neuron fires this step (all-or-none axonal activation).
 * Electrode pulse, current mode: I_ext += amplitude for pulseWidth_ms (a pulse that starts while
 * another is on adds to it). Step and ramp protocols set I_ext += I(t) for their duration:
 *   ramp: I(t) = from + (to − from) · (t − start) / duration
 * Background drive (per neuron, Drive component): Poisson events at rate_Hz, each adding `weight`
 * to one receptor conductance. With λ = rate_Hz · dt / 1000 events per step, drawn as
 *   λ < 0.5:  inter-event intervals ~ Exp(1000 / rate_Hz) ms (nextEvent_ms = next event time);
 *   λ ≥ 0.5:  each step's count ~ Poisson(λ), by inversion (nextEvent_ms = −1, no pending event).
 * The two are the same process; the choice depends on (rate, dt) only, so draws replay exactly.
 * Noise (Izhikevich 2003 thalamic input): I_ext += noiseSigma · N(0, 1), drawn fresh every step.
 *
 * When: the `stimulation` system runs first in every fast step (clears I_ext, then electrodes,
 * protocols, channels). The per-neuron parts — background events (`driveEvents`) and noise — are
 * taken by the membrane loop (systems/membrane.ts) for each neuron just before its update, so
 * the neurons are visited once per step (docs/architecture.md, "Departures from the design card");
 * the arithmetic and the order of draws within each stream are those of a separate pass.
 *
 * Randomness: streams 'stimulation' (Poisson protocols, channels), 'drive', 'noise'; draws are made
 * in ascending id order (per model), so a snapshot-restored world draws the same numbers.
 * Exponential intervals come from the ziggurat of src/engine/rng.ts (no log per event), counts from
 * its guide-table inversion (one uniform per neuron-step).
 *
 * Performance (docs/benchmarks.md): the interval method costs ≈ 18 ns per event and nothing in a
 * step without one; the count method ≈ 15–20 ns per neuron-step whatever λ. They cross near λ = 0.5
 * (DRIVE_COUNT_MIN_EVENTS); at λ = 1.75 (Brunel's 17.5 kHz at dt = 0.1 ms) counts halve the cost.
 *
 * References: Brunel N (2000) J Comput Neurosci 8:183 (Poisson background);
 *   Izhikevich EM (2003) IEEE TNN 14:1569 (random thalamic input).
 */
import { ELECTRODE_CURRENT } from '../components/electrode.ts'
import type { Sim } from '../src/engine/world.ts'
import { pulseTime, type ProtocolState } from '../src/engine/protocols.ts'
import { electrodeTargets, neuronIds } from '../src/engine/entities.ts'
import { stream, exponential, poisson, poissonTable, type PoissonTable, type Stream } from '../src/engine/rng.ts'
import { emit, EV_PULSE, EV_PROTOCOL } from '../src/engine/events.ts'
import { channel } from '../src/engine/delay.ts'

interface TargetCache {
  version: number
  targets: Map<number, number[]>
}
const targetCaches = new WeakMap<Sim, TargetCache>()

function targetsOf(sim: Sim, electrode: number): number[] {
  let cache = targetCaches.get(sim)
  const version = sim.indices.neurons.version
  if (!cache || cache.version !== version) {
    cache = { version, targets: new Map() }
    targetCaches.set(sim, cache)
  }
  let t = cache.targets.get(electrode)
  if (!t) {
    t = electrodeTargets(sim, electrode)
    cache.targets.set(electrode, t)
  }
  return t
}

/** Forget cached electrode targets (after an electrode moved or changed its filter). */
export function invalidateTargets(sim: Sim): void {
  targetCaches.delete(sim)
}

/**
 * What this step's stimulation wrote, for the membrane loop: while no current was injected it need
 * not read `I_ext` (cleared above, so all zero). Per-step scratch, never state; stamped with the
 * step, so a membrane pass without a stimulation pass before it reads `I_ext`.
 */
export interface StimulationFlags {
  step: number
  /** Some `I_ext` was written this step (before noise, which the membrane loop adds itself). */
  current: boolean
}
const flagsBySim = new WeakMap<Sim, StimulationFlags>()

function flagsFor(sim: Sim): StimulationFlags {
  let f = flagsBySim.get(sim)
  if (!f) {
    f = { step: -1, current: true }
    flagsBySim.set(sim, f)
  }
  return f
}

/** This step's flags, or undefined if the stimulation system has not run in this step. */
export function stimulationFlags(sim: Sim): StimulationFlags | undefined {
  const f = flagsBySim.get(sim)
  return f !== undefined && f.step === sim.time.step ? f : undefined
}

export function stimulation(sim: Sim): void {
  const N = sim.components.Neuron
  const step = sim.time.step
  const dt = sim.time.dt_ms
  const t = step * dt
  const nIds = neuronIds(sim)
  const I_ext = N.I_ext
  clear(I_ext, nIds)
  const flags = flagsFor(sim)
  flags.step = step
  flags.current = false

  // Current pulses still on from earlier onsets.
  const active = sim.state.pulses
  if (active.length) {
    for (let i = active.length - 1; i >= 0; i--) {
      const p = active[i]!
      if (step >= p.endStep) {
        active.splice(i, 1)
        continue
      }
      for (const n of targetsOf(sim, p.electrode)) I_ext[n]! += p.amplitude
      flags.current = true
    }
  }

  let anyDone = false
  for (const p of sim.state.protocols) {
    if (p.done) continue
    runProtocol(sim, p, step, t)
    anyDone ||= p.done
  }
  if (anyDone) {
    for (const p of sim.state.protocols) if (p.done) emit(sim.events, EV_PROTOCOL, step, p.id, p.electrode, 0)
    sim.state.protocols = sim.state.protocols.filter((p) => !p.done)
  }

  channels(sim, t, dt)
}

/** Zero a field over the live neurons (one fill when their ids are contiguous, as in built scenes). */
function clear(a: Float64Array, ids: Uint32Array): void {
  const len = ids.length
  if (len === 0) return
  if (ids[len - 1]! - ids[0]! === len - 1) a.fill(0, ids[0]!, ids[len - 1]! + 1)
  else for (let i = 0; i < len; i++) a[ids[i]!] = 0
}

function pulse(sim: Sim, electrode: number, protocolId: number, step: number): void {
  const E = sim.components.Electrode
  if (E.mode[electrode] === ELECTRODE_CURRENT) {
    const width = Math.max(1, Math.round(E.pulseWidth_ms[electrode]! / sim.time.dt_ms))
    const amplitude = E.amplitude[electrode]!
    const I_ext = sim.components.Neuron.I_ext
    for (const n of targetsOf(sim, electrode)) I_ext[n]! += amplitude
    flagsFor(sim).current = true
    if (width > 1) sim.state.pulses.push({ electrode, amplitude, endStep: step + width })
  } else {
    const force = sim.components.Neuron.forceSpike
    for (const n of targetsOf(sim, electrode)) force[n] = 1
  }
  emit(sim.events, EV_PULSE, step, electrode, protocolId)
}

function stepOf(sim: Sim, t_ms: number): number {
  return Math.round(t_ms / sim.time.dt_ms)
}

function runProtocol(sim: Sim, p: ProtocolState, step: number, t: number): void {
  const spec = p.spec
  switch (spec.kind) {
    case 'pulse':
    case 'train':
    case 'thetaBurst': {
      for (;;) {
        const rel = pulseTime(spec, p.next)
        if (rel === undefined) {
          p.done = true
          return
        }
        if (stepOf(sim, p.start_ms + rel) > step) return
        pulse(sim, p.electrode, p.id, step)
        p.next++
      }
    }
    case 'pairing': {
      // Pre pulses at start + lead + k/f on the protocol's electrode, post pulses Δt later on
      // postElectrode; lead = max(0, −Δt), so the first pulse of the first pair falls at the start.
      const lead = Math.max(0, -spec.dt_ms)
      for (;;) {
        const rel = pulseTime(spec, p.next)
        if (rel === undefined || stepOf(sim, p.start_ms + lead + rel) > step) break
        pulse(sim, p.electrode, p.id, step)
        p.next++
      }
      for (;;) {
        const rel = pulseTime(spec, p.nextPost)
        if (rel === undefined || stepOf(sim, p.start_ms + lead + rel + spec.dt_ms) > step) break
        pulse(sim, spec.postElectrode, p.id, step)
        p.nextPost++
      }
      if (pulseTime(spec, p.next) === undefined && pulseTime(spec, p.nextPost) === undefined) p.done = true
      return
    }
    case 'poisson': {
      const rng = stream(sim.rng, 'stimulation')
      const mean = 1000 / spec.rate_Hz
      if (p.nextTime_ms < 0) p.nextTime_ms = p.start_ms + exponential(rng, mean)
      while (stepOf(sim, p.nextTime_ms) <= step) {
        if (p.nextTime_ms > p.start_ms + spec.duration_ms) {
          p.done = true
          return
        }
        pulse(sim, p.electrode, p.id, step)
        p.nextTime_ms += exponential(rng, mean)
      }
      if (t >= p.start_ms + spec.duration_ms) p.done = true
      return
    }
    case 'step':
    case 'ramp': {
      // On the step grid, like pulses (comparing t = step·dt with ms values lost or added a step).
      const k = step - stepOf(sim, p.start_ms)
      if (k < 0) return
      const rel = k * sim.time.dt_ms
      if (k >= Math.max(1, stepOf(sim, spec.duration_ms))) {
        p.done = true
        return
      }
      const amp = spec.kind === 'step' ? spec.amplitude : spec.from + ((spec.to - spec.from) * rel) / spec.duration_ms
      const I_ext = sim.components.Neuron.I_ext
      for (const n of targetsOf(sim, p.electrode)) I_ext[n]! += amp
      flagsFor(sim).current = true
      return
    }
  }
}

function channels(sim: Sim, t: number, dt: number): void {
  if (sim.state.channels.length === 0) return
  const rng = stream(sim.rng, 'stimulation')
  const force = sim.components.Neuron.forceSpike
  const tEnd = t + dt
  for (const c of sim.state.channels) {
    if (c.rate_Hz <= 0) continue
    const mean = 1000 / c.rate_Hz
    for (let i = 0; i < c.neurons.length; i++) {
      if (c.next_ms[i]! < 0) c.next_ms[i] = t + exponential(rng, mean)
      if (c.next_ms[i]! < tEnd) {
        force[c.neurons[i]!] = 1
        while (c.next_ms[i]! < tEnd) c.next_ms[i]! += exponential(rng, mean)
      }
    }
  }
}

/**
 * Background events of neuron n in [t, tEnd), called by the membrane loop when the neuron's next
 * event time falls in this step: they add `count · weight` to slot j (this step's slot, column n) of
 * the drive's receptor channel, which the same loop then takes up exactly like synaptic arrivals
 * (after this step's decay). Neurons are visited in the membrane loop's order (ascending ids per
 * model), one 'drive' stream for all, so a snapshot-restored world draws the same numbers.
 */
export function driveEvents(sim: Sim, rng: Stream, n: number, j: number, t: number, tEnd: number): void {
  const D = sim.components.Drive
  const count = poissonEvents(rng, D.nextEvent_ms, n, D.rate_Hz[n]!, t, tEnd)
  if (count > 0 && lastDrive[3] !== 0) channel(sim.indices.delay, D.receptor[n]!)[j]! += D.weight[n]! * count
}

/**
 * λ (events per step) from which a drive draws its count per step (Poisson(λ) by inversion, one
 * uniform) instead of one exponential interval per event. Measured on 10 000 driven LIF neurons
 * (docs/benchmarks.md; drive + membrane, 5.3 without drive), ns per neuron-step, intervals vs
 * counts: 16.6 vs 20.4 at λ = 0.3, 22.3 vs 23.3 at λ = 0.5, 46.9 vs 23.7 at λ = 1.75.
 */
export const DRIVE_COUNT_MIN_EVENTS = 0.5

/**
 * What poissonEvents derived from the last (rate, dt) it saw — neighbours usually share a rate:
 * [rate_Hz, dt_ms, mean interval (ms), or −1 for the count method, delivery on (1) or off (0)], and
 * the count method's table.
 * Keyed on the rate alone on the path of every event (one compare, as before the count method);
 * the world's dt is set once per step by `driveStep`.
 */
const lastDrive = new Float64Array([NaN, NaN, NaN, 1])
let lastTable: PoissonTable | null = null
/** Count tables by λ, for worlds whose neurons have different rates (bounded). */
const tables = new Map<number, PoissonTable>()

/**
 * Once per membrane step: the world's dt. A world with another dt than the last one seen (two
 * worlds stepped in turn) drops the cache above.
 */
export function driveStep(dt: number, gain = 1): void {
  // gain 0: the events are drawn (the streams stay in step) but deliver nothing (TTX, systems/drugs.ts).
  lastDrive[3] = gain
  if (dt !== lastDrive[1]) {
    lastDrive[0] = NaN
    lastDrive[1] = dt
  }
}

/** Derive the method (and table) for `rate` at the current dt: a pure function of the two. */
function driveMethod(rate: number): void {
  const lambda = (rate * lastDrive[1]!) / 1000
  lastDrive[0] = rate
  lastDrive[2] = 1000 / rate
  lastTable = null
  if (lambda >= DRIVE_COUNT_MIN_EVENTS) {
    let tab = tables.get(lambda)
    if (tab === undefined) {
      if (tables.size >= 256) tables.clear()
      tab = poissonTable(lambda)
      tables.set(lambda, tab)
    }
    lastTable = tab
    lastDrive[2] = -1
  }
}

/**
 * Events of one neuron's drive in [t, tEnd). Two methods, chosen by λ = rate·dt/1000 alone:
 *   - intervals (λ < DRIVE_COUNT_MIN_EVENTS): nextEvent_ms is the time of the next event; each
 *     event consumed draws the next interval ~ Exp(1000/rate); steps without an event cost nothing
 *     here (the membrane loop does not call in).
 *   - counts (λ ≥ DRIVE_COUNT_MIN_EVENTS): the step's count ~ Poisson(λ) from one uniform;
 *     nextEvent_ms is −1 ("no pending event": the membrane loop calls in every step, and should
 *     the rate drop below the threshold the interval method draws a fresh interval from there —
 *     exact, the process being memoryless). setDrive resets nextEvent_ms to −1; a rate written
 *     directly keeps a pending interval-method event, which is consumed when due.
 */
function poissonEvents(rng: Stream, nextEvent_ms: Float64Array, n: number, rate: number, t: number, tEnd: number): number {
  if (!(rate > 0)) return 0
  if (rate !== lastDrive[0]) driveMethod(rate)
  const mean = lastDrive[2]!
  if (mean < 0) return countEvents(rng, nextEvent_ms, n)
  let next = nextEvent_ms[n]!
  if (next < 0) next = t + exponential(rng, mean)
  let count = 0
  while (next < tEnd) {
    count++
    next += exponential(rng, mean)
  }
  nextEvent_ms[n] = next
  return count
}

/** The count method's draw (apart, so the interval method's path stays small). */
function countEvents(rng: Stream, nextEvent_ms: Float64Array, n: number): number {
  if (nextEvent_ms[n] !== -1) nextEvent_ms[n] = -1
  return poisson(rng, lastTable!)
}
