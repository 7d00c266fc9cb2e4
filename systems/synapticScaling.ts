/**
 * Homeostatic synaptic scaling (slow clock): every neuron carrying the Homeostasis component
 * multiplies all its excitatory input weights by one factor per slow tick, so that its firing rate
 * returns to its target (model, parameters and references: components/homeostasis.ts).
 *
 * Per slow tick covering Δt of slow time (sim.time.slowTickDt_ms), for each scaling neuron n:
 *   a      = activityRate_Hz(sim, n)                       while spiking (sensor := a)
 *          = 0 under TTX, else the last measured rate      while fast-forwarding (no spikes)
 *   f      = exp(Δt/τ_scaling · (1 − a / a_goal))          exact for a constant over the tick
 *   scale  ← clip(scale · f, SCALE_MIN, SCALE_MAX)
 *   w_s    ← w_s · f  for every excitatory synapse s onto n (receptor glutamate or AMPA, or a δ
 *            synapse from an excitatory neuron); inhibitory (GABA_A) inputs are left alone.
 * The factor is the same for all of n's synapses, so w_s(t)/w_s(0) is identical across them (the
 * multiplicative signature of Turrigiano et al. 1998). A synapse under the consolidation layer
 * (systems/consolidation.ts) has its early, late and reference weights scaled with it, so scaling is
 * not mistaken for an early-phase (decaying) change. Calcium-rule weights compose: the rule rescales
 * by ratios (components/calcium.ts).
 *
 * Discrete-tick stability: the closed loop is ln w_{k+1} = ln w_k + Δt/τ (1 − a(w_k)/a_goal); with
 * k = d ln a / d ln w it is stable for Δt·k/τ < 2 (Δt = slowTick · timeWarp; e.g. τ = 69 h, k ≈ 3:
 * Δt < 46 h per tick). Fast-forward ticks are exact (a is constant in them).
 *
 * Cost: nothing when no neuron scales (one query per slow tick); else one pass over each scaling
 * neuron's in-row per slow tick.
 *
 * References: Turrigiano GG et al. (1998) Nature 391:892. doi:10.1038/36103; van Rossum MCW, Bi GQ,
 *   Turrigiano GG (2000) J Neurosci 20:8812. doi:10.1523/JNEUROSCI.20-23-08812.2000
 */
import { addComponent, hasComponent, query } from 'bitecs'
import type { Sim } from '../src/engine/world.ts'
import { adjacency } from '../src/engine/adjacency.ts'
import { clearEntity, ensure } from '../src/engine/store.ts'
import { exp } from '../src/engine/detmath.ts'
import { isNeuron } from '../src/engine/entities.ts'
import { activityRate_Hz } from './membraneCache.ts'
import { drugEffects } from './drugs.ts'
import { RECEPTOR_AMPA, RECEPTOR_DELTA, RECEPTOR_GLUTAMATE } from '../components/synapse.ts'
import { SCALE_MAX, SCALE_MIN, SCALING_TAU_H } from '../components/homeostasis.ts'
import { scaleConsolidated } from './consolidation.ts'

const MS_PER_H = 3_600_000

export interface ScalingOptions {
  /** a_goal, the neuron's target rate (Hz, > 0). */
  target_Hz: number
  /** τ_scaling in hours (default SCALING_TAU_H = 48 h / ln 2). */
  tau_h?: number
}

/** Let neuron `n` scale its excitatory inputs toward `target_Hz` (or change its settings). */
export function enableScaling(sim: Sim, n: number, opts: ScalingOptions): void {
  if (!isNeuron(sim, n)) throw new Error(`enableScaling: ${n} is not a neuron`)
  const tau_h = opts.tau_h ?? SCALING_TAU_H
  if (!(opts.target_Hz > 0 && Number.isFinite(opts.target_Hz))) throw new Error(`enableScaling: target_Hz must be a finite number > 0, got ${opts.target_Hz}`)
  if (!(tau_h > 0 && Number.isFinite(tau_h))) throw new Error(`enableScaling: tau_h must be a finite number > 0, got ${tau_h}`)
  const entry = sim.stores.Homeostasis
  if (!hasComponent(sim.world, n, entry.data)) {
    ensure(entry, n)
    clearEntity(entry, n)
    addComponent(sim.world, n, entry.data)
    entry.data.scale[n] = 1
    entry.data.rate_Hz[n] = sim.time.step > 0 ? activityRate_Hz(sim, n) : 0
  }
  const H = sim.components.Homeostasis
  H.on[n] = 1
  H.target_Hz[n] = opts.target_Hz
  H.tau_h[n] = tau_h
}

/** Whether synapse s is an excitatory input (scaled): glutamate/AMPA, or δ from an excitatory neuron. */
function excitatory(sim: Sim, s: number): boolean {
  const r = sim.components.Synapse.receptor[s]!
  if (r === RECEPTOR_GLUTAMATE || r === RECEPTOR_AMPA) return true
  return r === RECEPTOR_DELTA && sim.components.Neuron.excitatory[sim.components.Synapse.pre[s]!] === 1
}

export function synapticScaling(sim: Sim): void {
  const H = sim.components.Homeostasis
  const ids = query(sim.world, [H])
  if (ids.length === 0) return
  const dt_h = sim.time.slowTickDt_ms / MS_PER_H
  if (!(dt_h > 0)) return
  const ff = sim.time.fastForward
  const blocked = drugEffects(sim).spikesBlocked
  const adj = adjacency(sim)
  const { postStart, postSyn } = adj
  const w = sim.components.Synapse.weight
  for (let i = 0; i < ids.length; i++) {
    const n = ids[i]!
    if (H.on[n] !== 1) continue
    let a: number
    if (ff) a = blocked ? 0 : H.rate_Hz[n]!
    else {
      a = activityRate_Hz(sim, n)
      H.rate_Hz[n] = a
    }
    const g = (dt_h / H.tau_h[n]!) * (1 - a / H.target_Hz[n]!)
    const old = H.scale[n]!
    let next = old * exp(g)
    if (next > SCALE_MAX) next = SCALE_MAX
    else if (next < SCALE_MIN) next = SCALE_MIN
    if (next === old || n >= adj.rows) continue
    H.scale[n] = next
    const f = next / old
    for (let k = postStart[n]!; k < postStart[n + 1]!; k++) {
      const s = postSyn[k]!
      if (!excitatory(sim, s)) continue
      w[s] = w[s]! * f
      scaleConsolidated(sim, s, f)
    }
  }
}
