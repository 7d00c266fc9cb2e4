/**
 * Rate-based BCM units (Bienenstock, Cooper & Munro 1982; Intrator & Cooper 1992) on the slow clock:
 * a pattern presenter and the BCM weight rule, for neurons whose `Bcm.rate` is 1 (model and
 * references: components/bcm.ts). This is the rate-based neuron of VALIDATION item 8a, run as a
 * system on the world: units are neurons (they never spike: no input current reaches their
 * membranes), weights are `Synapse.weight`, θ_M is the per-neuron sliding threshold of systems/bcm.ts.
 *
 * Each slow tick (h = the tick's slow time; also under `advance`):
 *   1. the presenter draws one of the patterns of `sim.state.bcmPatterns` with equal probability
 *      (stream 'bcmPatterns') and sets every input unit's y_Hz to the pattern's entry;
 *   2. every output unit (rate unit with η > 0), in ascending id order, computes y = Σ_i w_i x_i over
 *      its input synapses and moves each weight by  Δw_i = η x_i y (y − θ_M) h  (w ≥ 0);
 *   3. then systems/bcm.ts moves θ_M towards y²/y0 (it runs after this system).
 * With two equiprobable orthogonal patterns the stable fixed points are selective: one pattern's
 * response y = θ_M = E[y²]/y0 = ½ y²/y0, i.e. 2 y0, the other's 0 (Intrator & Cooper 1992). They are
 * stable when θ_M follows y² faster than the weights move (τ_θ ≪ 1/(η x² y0)); η and τ_θ set the
 * speed, not the fixed point.
 *
 * Cost: nothing without `sim.state.bcmPatterns`; otherwise O(input synapses of the output units).
 *
 * References: Bienenstock EL, Cooper LN, Munro PW (1982) J Neurosci 2:32; Intrator N, Cooper LN (1992)
 *   Neural Netw 5:3. doi:10.1016/S0893-6080(05)80003-6; Cooper LN, Intrator N, Blais BS, Shouval HZ
 *   (2004) Theory of Cortical Plasticity, World Scientific, ch. 3.
 */
import type { Sim } from '../src/engine/world.ts'
import { adjacency } from '../src/engine/adjacency.ts'
import { stream } from '../src/engine/rng.ts'
import type { BcmPatterns } from '../components/bcm.ts'

export type { BcmPatterns }

export function setBcmPatterns(sim: Sim, p: Omit<BcmPatterns, 'current'>): void {
  if (p.patterns.length === 0) throw new Error('bcmPatterns: at least one pattern')
  for (const [k, pat] of p.patterns.entries())
    if (pat.length !== p.inputs.length || !pat.every((x) => Number.isFinite(x) && x >= 0))
      throw new Error(`bcmPatterns: pattern ${k} must give ${p.inputs.length} rates ≥ 0`)
  sim.state.bcmPatterns = { inputs: [...p.inputs], outputs: [...p.outputs].sort((a, b) => a - b), patterns: p.patterns.map((x) => [...x]), current: -1 }
}

export function bcmRate(sim: Sim): void {
  const st = sim.state.bcmPatterns
  if (st === undefined) return
  const h_s = sim.time.slowTickDt_ms / 1000
  if (!(h_s > 0)) return
  const B = sim.components.Bcm
  const rng = stream(sim.rng, 'bcmPatterns')
  const k = Math.min(st.patterns.length - 1, Math.floor(rng.next() * st.patterns.length))
  st.current = k
  const pat = st.patterns[k]!
  for (let i = 0; i < st.inputs.length; i++) B.y_Hz[st.inputs[i]!] = pat[i]!
  const adj = adjacency(sim)
  const { pre, weight, alive } = sim.components.Synapse
  for (const n of st.outputs) {
    if (n >= adj.rows) continue
    let y = 0
    for (let j = adj.postStart[n]!; j < adj.postStart[n + 1]!; j++) {
      const s = adj.postSyn[j]!
      if (alive[s] === 1) y += weight[s]! * B.y_Hz[pre[s]!]!
    }
    B.y_Hz[n] = y
    const g = B.eta[n]! * y * (y - B.theta_Hz[n]!) * h_s
    if (g === 0) continue
    for (let j = adj.postStart[n]!; j < adj.postStart[n + 1]!; j++) {
      const s = adj.postSyn[j]!
      if (alive[s] !== 1) continue
      const w = weight[s]! + g * B.y_Hz[pre[s]!]!
      weight[s] = w > 0 ? w : 0
    }
  }
}
