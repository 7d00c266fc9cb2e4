/**
 * Stimulation protocol library. A protocol is a small JSON-able record (so it lives in snapshots)
 * that says when an electrode delivers; the stimulation system (systems/stimulation.ts) asks it each
 * step. Pulse times are computed in closed form from the start time and the protocol's numbers
 * (t_k = start + k / f, …) and rounded to the step grid once, so a 900-pulse LFS train has exactly
 * 900 pulses at exactly 1 s intervals, whatever dt is.
 *
 * | protocol    | parameters                                                   | source / use                         |
 * |-------------|--------------------------------------------------------------|--------------------------------------|
 * | pulse       | –                                                            | single test pulse                    |
 * | train       | freq_Hz, count                                               | LFS 1 Hz × 900 (Dudek & Bear 1992); HFS 100 Hz × 100 (Bliss & Lømo 1973) |
 * | thetaBurst  | bursts, pulsesPerBurst, intraFreq_Hz, burstInterval_ms       | TBS: 4 pulses at 100 Hz every 200 ms (Larson et al. 1986) |
 * | poisson     | rate_Hz, duration_ms                                         | irregular input                       |
 * | step        | amplitude, duration_ms                                       | current step (current electrodes)     |
 * | ramp        | from, to, duration_ms                                        | current ramp (current electrodes)     |
 * | pairing     | post electrode, dt_ms (post − pre), freq_Hz, count          | STDP pairing (Markram et al. 1997; Bi & Poo 1998) |
 *
 * A pairing starts with the earlier pulse of its first pair: pre at start + max(0, −Δt) + k/f,
 * post at pre + Δt, so with Δt < 0 the post pulse comes first, at the start.
 *
 * Sensory channels (for map experiments) are named groups of neurons, each driven by independent
 * Poisson spikes at the channel's rate; a scenario changes the rate (train, deprive, restore).
 */
import type { Sim } from './world.ts'
import { emit, EV_PROTOCOL } from './events.ts'

export type ProtocolSpec =
  | { kind: 'pulse' }
  | { kind: 'train'; freq_Hz: number; count: number }
  | { kind: 'thetaBurst'; bursts: number; pulsesPerBurst?: number; intraFreq_Hz?: number; burstInterval_ms?: number }
  | { kind: 'poisson'; rate_Hz: number; duration_ms: number }
  | { kind: 'step'; amplitude: number; duration_ms: number }
  | { kind: 'ramp'; from: number; to: number; duration_ms: number }
  | { kind: 'pairing'; postElectrode: number; dt_ms: number; freq_Hz: number; count: number }

export interface ProtocolState {
  id: number
  electrode: number
  spec: ProtocolSpec
  start_ms: number
  /** Index of the next pulse to deliver (pre side for pairing). */
  next: number
  /** Pairing: index of the next post pulse. */
  nextPost: number
  /** Poisson: time of the next pulse (drawn from the 'stimulation' stream). */
  nextTime_ms: number
  done: boolean
}

export interface ChannelState {
  name: string
  neurons: number[]
  rate_Hz: number
  /** Next spike time of each neuron (ms); −1: not yet drawn. */
  next_ms: number[]
}

/** Named presets a user can pick by name (scenario files, the page's protocol menu). */
export const PRESETS: Record<string, ProtocolSpec> = {
  pulse: { kind: 'pulse' },
  LFS: { kind: 'train', freq_Hz: 1, count: 900 },
  HFS: { kind: 'train', freq_Hz: 100, count: 100 },
  TBS: { kind: 'thetaBurst', bursts: 10, pulsesPerBurst: 4, intraFreq_Hz: 100, burstInterval_ms: 200 },
  poisson: { kind: 'poisson', rate_Hz: 10, duration_ms: 10000 },
}

/** Start a protocol on an electrode now (or at `start_ms`); returns its id. */
export function startProtocol(sim: Sim, electrode: number, spec: ProtocolSpec, start_ms?: number): number {
  validateProtocol(spec)
  const id = sim.state.nextProtocolId++
  sim.state.protocols.push({
    id,
    electrode,
    spec: JSON.parse(JSON.stringify(spec)) as ProtocolSpec,
    start_ms: start_ms ?? sim.time.step * sim.time.dt_ms,
    next: 0,
    nextPost: 0,
    nextTime_ms: -1,
    done: false,
  })
  emit(sim.events, EV_PROTOCOL, sim.time.step, id, electrode, 1)
  return id
}

export function stopProtocol(sim: Sim, id: number): void {
  const p = sim.state.protocols.find((q) => q.id === id)
  if (p) p.done = true
}

function positive(name: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new Error(`protocol ${name} must be a positive number, got ${v}`)
}

export function validateProtocol(spec: ProtocolSpec): void {
  switch (spec.kind) {
    case 'pulse':
      return
    case 'train':
      positive('freq_Hz', spec.freq_Hz)
      positive('count', spec.count)
      return
    case 'thetaBurst':
      positive('bursts', spec.bursts)
      return
    case 'poisson':
      positive('rate_Hz', spec.rate_Hz)
      positive('duration_ms', spec.duration_ms)
      return
    case 'step':
      positive('duration_ms', spec.duration_ms)
      return
    case 'ramp':
      positive('duration_ms', spec.duration_ms)
      return
    case 'pairing':
      positive('freq_Hz', spec.freq_Hz)
      positive('count', spec.count)
      return
    default:
      throw new Error(`unknown protocol kind ${(spec as { kind: string }).kind}`)
  }
}

/** Time (ms, relative to the start) of pulse k of a pulse-type protocol, or undefined past the end. */
export function pulseTime(spec: ProtocolSpec, k: number): number | undefined {
  switch (spec.kind) {
    case 'pulse':
      return k === 0 ? 0 : undefined
    case 'train':
    case 'pairing':
      return k < spec.count ? (k * 1000) / spec.freq_Hz : undefined
    case 'thetaBurst': {
      const per = spec.pulsesPerBurst ?? 4
      if (k >= spec.bursts * per) return undefined
      const burst = Math.floor(k / per)
      const within = k % per
      return burst * (spec.burstInterval_ms ?? 200) + (within * 1000) / (spec.intraFreq_Hz ?? 100)
    }
    default:
      return undefined
  }
}

/** Duration of a protocol in ms (from its start to its last pulse or the end of its current). */
export function protocolDuration(spec: ProtocolSpec): number {
  switch (spec.kind) {
    case 'pulse':
      return 0
    case 'train':
      return ((spec.count - 1) * 1000) / spec.freq_Hz
    case 'pairing':
      return ((spec.count - 1) * 1000) / spec.freq_Hz + Math.abs(spec.dt_ms)
    case 'thetaBurst':
      return pulseTime(spec, spec.bursts * (spec.pulsesPerBurst ?? 4) - 1)!
    case 'poisson':
    case 'step':
    case 'ramp':
      return spec.duration_ms
  }
}

export function addChannel(sim: Sim, name: string, neurons: number[], rate_Hz = 0): void {
  if (sim.state.channels.some((c) => c.name === name)) throw new Error(`channel ${name} exists`)
  const sorted = [...neurons].sort((a, b) => a - b)
  sim.state.channels.push({ name, neurons: sorted, rate_Hz, next_ms: sorted.map(() => -1) })
}

export function setChannelRate(sim: Sim, name: string, rate_Hz: number): void {
  const c = sim.state.channels.find((q) => q.name === name)
  if (!c) throw new Error(`unknown sensory channel "${name}"`)
  if (!(rate_Hz >= 0)) throw new Error(`channel rate must be ≥ 0, got ${rate_Hz}`)
  c.rate_Hz = rate_Hz
  c.next_ms = c.neurons.map(() => -1) // redraw at the new rate
}
