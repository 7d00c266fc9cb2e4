/**
 * B3's STDP rule on our engine, and a check that the engine applies it as Brian2 does.
 *
 * The benchmark's rule (meta.json `stdp`, dimensionless A±, Brian2 form, bench/peer/b3_brunel_stdp.py):
 *   post spike:  Δw = +A₊ · (w_max − w) · x_pre          pre spike:  Δw = −A₋ · w · x_post
 * The engine (components/plasticity.ts) writes multiplicative STDP as Δw = ±A · x · g±(w) with
 * g₊ = (w_max − w)/w_max and g₋ = w/w_max, amplitudes in weight units — so A_engine = A · w_max.
 * The engine is young and its conventions may move, so before B3 runs `checkStdpRule` measures one
 * potentiation and one depression on a two-neuron world and refuses to run if they differ from the
 * benchmark's rule: a benchmark of a different rule would be a fast wrong answer.
 */
import { createSim, type Sim } from '../src/engine/world.ts'
import { addNeuron, addSynapse } from '../src/engine/entities.ts'
import { step } from '../src/engine/pipeline.ts'
import { STDP_RULES, type StdpRule } from '../components/plasticity.ts'
import type { StdpParams } from './network.ts'

export function engineRule(p: StdpParams): StdpRule {
  return {
    name: 'bench', kind: 'pair', Aplus: p.Aplus * p.wmax_mV, Aminus: p.Aminus * p.wmax_mV,
    tauPlus_ms: p.tauPlus_ms, tauMinus_ms: p.tauMinus_ms, weightDependence: 'multiplicative', pairing: 'allToAll', wMax: p.wmax_mV,
  }
}

export function stdpRules(p: StdpParams): StdpRule[] {
  return [STDP_RULES[0]!, engineRule(p)]
}

function stepWith(sim: Sim, fire: number[]): void {
  for (const n of fire) sim.components.Neuron.forceSpike[n] = 1
  step(sim)
}

/** Throws if the engine's Δw for a pre→post pairing (Δt = +m·dt) and a post→pre one differs from the rule. */
export function checkStdpRule(p: StdpParams, dt_ms: number, w0: number): void {
  const m = 10
  const sim = createSim(
    { name: 'stdp-check', clock: { dt_ms }, params: { stdpRules: stdpRules(p) }, build: () => {} },
    'stdp-check',
  )
  const lif = { C_pF: 200, gL_nS: 10, EL_mV: 0, Vth_mV: 1e9, Vreset_mV: 0, tRef_ms: 0 }
  const a = addNeuron(sim, { model: 'lif', lif })
  const b = addNeuron(sim, { model: 'lif', lif })
  const s = addSynapse(sim, a, b, { weight: w0, receptor: 'delta', delay_ms: dt_ms, stdp: 1 })
  const W = sim.components.Synapse.weight
  const run = (fire: number[], steps: number) => {
    stepWith(sim, fire)
    for (let k = 1; k < steps; k++) step(sim)
  }
  run([a], m) // pre at step 0
  const before = W[s]!
  run([b], m) // post at step m: potentiation with x_pre = e^(−m dt/τ₊)
  const afterLtp = W[s]!
  run([a], 1) // pre at step 2m: depression with x_post = e^(−m dt/τ₋)
  const afterLtd = W[s]!
  const xPre = Math.exp((-m * dt_ms) / p.tauPlus_ms)
  const xPost = Math.exp((-m * dt_ms) / p.tauMinus_ms)
  const wantLtp = before + p.Aplus * (p.wmax_mV - before) * xPre
  const wantLtd = afterLtp - p.Aminus * afterLtp * xPost
  // Weights are stored as f32: allow a few of its ulps (≈ 6·10⁻⁸ relative) on w, far below any Δw.
  const close = (x: number, y: number) => Math.abs(x - y) <= 1e-6 * Math.abs(y)
  if (before !== Math.fround(w0) || !close(afterLtp, wantLtp) || !close(afterLtd, wantLtd))
    throw new Error(
      `the engine's STDP does not apply B3's rule (bench/ours-stdp.ts): start ${w0} → ${before} (want ${w0}), ` +
        `after pre→post ${afterLtp} (want ${wantLtp}), after post→pre ${afterLtd} (want ${wantLtd}); ` +
        'update engineRule() to the engine\'s convention (components/plasticity.ts)',
    )
}
