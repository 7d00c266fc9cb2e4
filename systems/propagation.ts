/**
 * Spike propagation: every neuron that fired this step sends its spike down each outgoing synapse
 * (its out-row in the adjacency index). The synapse's efficacy is written into the delay ring at
 * slot (step + delaySteps) mod L, column `post`, channel = receptor; transmission picks it up
 * exactly `delaySteps` steps later.
 *
 * Efficacy = weight, or with Tsodyks–Markram short-term plasticity (profile > 0), event-driven:
 *   Δt = t − t_last
 *   u ← U + u (1 − U) exp(−Δt/τ_F)         (u ← U when τ_F = 0)
 *   x ← 1 − (1 − x) exp(−Δt/τ_D)
 *   efficacy = weight · u · x ;   x ← x (1 − u) ;   t_last ← t
 * (u is updated before use, as in Tsodyks, Pawelzik & Markram 1998, so the first spike after a long
 * pause releases U·weight.)
 *
 * Each spike is also recorded in the events ring (EV_SPIKE).
 *
 * Performance (docs/benchmarks.md): one small loop per spike over its out-row in the adjacency
 * index, reading the synapse store's typed arrays directly.
 *
 * References: Tsodyks M, Pawelzik K, Markram H (1998) Neural Comput 10:821.
 *   doi:10.1162/089976698300017502
 */
import type { Sim } from '../src/engine/world.ts'
import { exp } from '../src/engine/detmath.ts'
import { adjacency } from '../src/engine/adjacency.ts'
import { emit, EV_SPIKE } from '../src/engine/events.ts'

export function propagation(sim: Sim): void {
  const count = sim.spikes.count
  if (count === 0) return
  const spikes = sim.spikes.ids
  const step = sim.time.step
  for (let i = 0; i < count; i++) emit(sim.events, EV_SPIKE, step, spikes[i]!)
  if (sim.synapseCount === 0) return
  const adj = adjacency(sim)
  const t = step * sim.time.dt_ms
  for (let i = 0; i < count; i++) {
    const n = spikes[i]!
    if (n < adj.rows) deliverRow(sim, adj.preSyn, adj.preStart[n]!, adj.preStart[n + 1]!, step, t)
  }
}

/**
 * Deliver one presynaptic spike along out-row entries [from, to). The ring's length is normally a
 * power of two (it starts at 2 and doubles), and then the slot is a mask, not a division.
 */
function deliverRow(sim: Sim, preSyn: Uint32Array, from: number, to: number, step: number, t: number): void {
  const ring = sim.indices.delay
  const L = ring.length
  const mask = L - 1
  const pow2 = (L & mask) === 0
  const W = ring.width
  // Channels are allocated at synapse birth for the receptors in use.
  const chans = ring.channels as Float32Array[]
  const { post, weight, receptor, delaySteps } = sim.components.Synapse
  const T = sim.components.ShortTerm
  const profile = T.profile
  for (let k = from; k < to; k++) {
    const s = preSyn[k]!
    let w = weight[s]!
    const prof = profile[s]!
    if (prof !== 0) w *= shortTerm(T, s, sim.params.stpProfiles[prof]!, t)
    const slot = pow2 ? (step + delaySteps[s]!) & mask : (step + delaySteps[s]!) % L
    chans[receptor[s]!]![slot * W + post[s]!]! += w
  }
}

function shortTerm(
  T: Sim['components']['ShortTerm'],
  s: number,
  p: { U: number; tauD_ms: number; tauF_ms: number },
  t: number,
): number {
  const dtSpike = t - T.lastSpike_ms[s]!
  const u = p.tauF_ms > 0 ? p.U + T.u[s]! * (1 - p.U) * exp(-dtSpike / p.tauF_ms) : p.U
  const x = p.tauD_ms > 0 ? 1 - (1 - T.x[s]!) * exp(-dtSpike / p.tauD_ms) : 1
  T.u[s] = u
  T.x[s] = x * (1 - u)
  T.lastSpike_ms[s] = t
  return u * x
}
