/**
 * Shared helpers of the STDP tests (test/stdp.test.ts, test/stdpState.test.ts): small worlds of
 * pre → post pairs driven by electrodes or forced spikes, a spike recorder, and `reference`, the
 * rule's equations evaluated event by event in continuous time over recorded spike times
 * (independent of the engine's step loop).
 */
import { createSim, type Scene, type Sim } from '../src/engine/world.ts'
import { addElectrode, addNeuron, addSynapse } from '../src/engine/entities.ts'
import { protocolDuration, startProtocol } from '../src/engine/protocols.ts'
import { run, step } from '../src/engine/pipeline.ts'
import { STDP_RULES, type StdpRule } from '../components/plasticity.ts'

export const DT = 0.1
export const NONE = STDP_RULES[0]!

/** VALIDATION item 3's rule. */
export const VALIDATION_RULE: StdpRule = {
  name: 'validation', kind: 'pair', Aplus: 0.005, Aminus: 1.05 * 0.005, tauPlus_ms: 20, tauMinus_ms: 20,
  weightDependence: 'additive', pairing: 'allToAll', wMax: 1,
}

export function emptyWorld(rules: StdpRule[], seed = 1): Sim {
  const scene: Scene = { name: 'stdp-test', clock: { dt_ms: DT }, params: { stdpRules: [NONE, ...rules] }, build: () => {} }
  return createSim(scene, seed)
}

export interface Pair {
  pre: number
  post: number
  syn: number
  preE: number
  postE: number
}

/** A pre → post pair (resting Izhikevich RS cells, a δ synapse: 0.5 × 0.1 ms moves v by 0.05 mV). */
export function addPair(sim: Sim, i: number, rule: string, w0 = 0.5): Pair {
  const x = 20 * i
  const pre = addNeuron(sim, { x_um: x, y_um: 0 })
  const post = addNeuron(sim, { x_um: x, y_um: 10 })
  const syn = addSynapse(sim, pre, post, { weight: w0, receptor: 'delta', delay_ms: 1, stdp: rule })
  const preE = addElectrode(sim, { x_um: x, y_um: 0, radius_um: 1, mode: 'spike' })
  const postE = addElectrode(sim, { x_um: x, y_um: 10, radius_um: 1, mode: 'spike' })
  return { pre, post, syn, preE, postE }
}

/** Spike times (ms) of every neuron, recorded by a step observer. */
export function recorder(sim: Sim) {
  const times = new Map<number, number[]>()
  const observe = (s: Sim) => {
    for (let i = 0; i < s.spikes.count; i++) {
      const n = s.spikes.ids[i]!
      let list = times.get(n)
      if (!list) times.set(n, (list = []))
      list.push(s.time.step * s.time.dt_ms)
    }
  }
  return { times, observe, of: (n: number) => times.get(n) ?? [] }
}


/** Final weight of one synapse under `rule` given its pre and post spike times (ms), from w0. */
export function reference(rule: StdpRule, preT: number[], postT: number[], w0: number): number {
  const A3p = rule.A3plus ?? 0
  const A3m = rule.A3minus ?? 0
  const tx = rule.tauX_ms ?? 1
  const ty = rule.tauY_ms ?? 1
  const times = [...new Set([...preT, ...postT])].sort((a, b) => a - b)
  let r1 = 0, r2 = 0, o1 = 0, o2 = 0, tl = 0
  let w = w0
  const clip = (x: number) => Math.min(rule.wMax, Math.max(0, x))
  const gP = (x: number) => (rule.weightDependence === 'additive' ? 1 : (rule.wMax - x) / rule.wMax)
  const gM = (x: number) => (rule.weightDependence === 'additive' ? 1 : x / rule.wMax)
  const bump = (x: number) => (rule.pairing === 'allToAll' ? x + 1 : 1)
  for (const t of times) {
    const d = t - tl
    tl = t
    r1 *= Math.exp(-d / rule.tauPlus_ms)
    r2 *= Math.exp(-d / tx)
    o1 *= Math.exp(-d / rule.tauMinus_ms)
    o2 *= Math.exp(-d / ty)
    const isPre = preT.includes(t)
    const isPost = postT.includes(t)
    // Simultaneous spikes read the traces before either bump: depression, then potentiation.
    if (isPre) w = clip(w - o1 * (rule.Aminus + A3m * r2) * gM(w))
    if (isPost) w = clip(w + r1 * (rule.Aplus + A3p * o2) * gP(w))
    if (isPre) {
      r1 = bump(r1)
      r2 = bump(r2)
    }
    if (isPost) {
      o1 = bump(o1)
      o2 = bump(o2)
    }
  }
  return w
}

/** Run a set of pairing protocols (one per pair) to their end; returns the spike recorder. */
export function runPairings(
  sim: Sim, specs: { pair: Pair; dt_ms: number; freq_Hz: number; count: number }[], start_ms = 100, observers: ((s: Sim) => void)[] = [],
) {
  const rec = recorder(sim)
  let end = 0
  for (const s of specs) {
    const spec = { kind: 'pairing' as const, postElectrode: s.pair.postE, dt_ms: s.dt_ms, freq_Hz: s.freq_Hz, count: s.count }
    startProtocol(sim, s.pair.preE, spec, start_ms)
    end = Math.max(end, start_ms + Math.max(0, -s.dt_ms) + protocolDuration(spec))
  }
  run(sim, end + 50 - sim.time.step * DT, [rec.observe, ...observers])
  return rec
}

/** Fire the given neurons at the given times (ms from now) by Neuron.forceSpike; then run `tail_ms`. */
export function forceSchedule(sim: Sim, schedule: [number, number][], tail_ms: number, observers: ((s: Sim) => void)[] = []) {
  const t0 = sim.time.step
  const byStep = new Map<number, number[]>()
  for (const [t, n] of schedule) {
    const k = t0 + Math.round(t / DT)
    byStep.set(k, [...(byStep.get(k) ?? []), n])
  }
  const last = Math.max(...byStep.keys())
  while (sim.time.step <= last + Math.round(tail_ms / DT)) {
    for (const n of byStep.get(sim.time.step) ?? []) sim.components.Neuron.forceSpike[n] = 1
    step(sim, observers)
  }
}
