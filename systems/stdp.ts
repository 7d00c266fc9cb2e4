/**
 * Spike-timing-dependent plasticity (pair and triplet rules) on every synapse whose
 * `Plasticity.rule` is not 0. Model, equations, parameter table and references:
 * components/plasticity.ts. Runs after propagation in every fast step, so a spike is delivered with
 * the weight it had before this step's plasticity.
 *
 * Per step (t = step · dt), in this order:
 *   1. decay   every trace of every neuron that carries traces: x ← x · e^(−dt/τ_x), exact
 *              (traces then hold their value at t, before this step's spikes)
 *   2. depress for each spiking neuron n, ids ascending, its out-row (eids ascending), rule ≠ 0:
 *              w ← w − o1[post] · (A2− + A3− · r2[n]) · g−(w), clipped to [0, w_max]
 *   3. potentiate for each spiking neuron n, ids ascending, its in-row (eids ascending), rule ≠ 0:
 *              w ← w + r1[pre] · (A2+ + A3+ · o2[n]) · g+(w), clipped to [0, w_max]
 *   4. bump    the traces of each spiking neuron: x ← x + 1 (all-to-all) or x ← 1 (nearest)
 * Why this order: a pre spike at step a and a post spike at step b = a + m (m > 0) meet in step b,
 * where r1[pre] has decayed m times since its bump in step a: r1 = e^(−m·dt/τ+) = e^(−Δt/τ+), so
 * Δw = A+ · e^(−Δt/τ+) exactly on the step grid (likewise A− · e^(Δt/τ−) for Δt < 0). Reading every
 * trace before any bump of the same step makes the reads independent of the order of the spikes
 * within the step, gives the triplet rule its r2(t−ε) / o2(t−ε), and means that a pre and a post
 * spike in the same step (Δt = 0) do not pair at all: the continuous rule jumps from −A− to +A+ at
 * Δt = 0 and has no value there; Brian2's default (on_pre before on_post) would give +A+. Steps 2
 * and 3 differ only for a synapse whose two ends fire in the same step (then depression comes
 * first), which matters only through clipping and the multiplicative terms.
 *
 * Traces: per neuron (StdpTrace component), decayed every step over the neurons that carry them
 * (only r1 and o1 while no rule in use reads r2 or o2). A trace no rule in use reads (r2 when every
 * A3− = 0, o2 when every A3+ = 0) is zeroed when the rules are compiled and then neither decayed
 * nor bumped, so the state never depends on when it stopped being read.
 * Measured alternative, "lazy" traces (value + time of last update, exp() on every read): a read
 * then costs ≈ 19 ns more (detmath exp) against ≈ 1–2 ns per neuron and step for the decay here. The
 * decay wins as soon as a step reads more traces than ≈ members/19: on a 2000-neuron sheet at 6 Hz
 * the two are even (≈ 100 reads vs 1600 neurons per step), at Brunel-STDP rates (35 Hz, 800 plastic
 * inputs) the decay is ≈ 100× cheaper (45 000 reads vs 8000 neurons per step).
 *
 * Rules are compared with `params.stdpRules` every step (a few numbers) and recompiled when one in
 * use changed, so a rule edited in place (a drug scaling A+, a scenario switching rules) takes
 * effect at the next step. Which rules are in use, which neurons carry traces and the plastic
 * in-rows are cached per world and rebuilt when the adjacency index is (synapse births/removals)
 * or after `setStdpRule`; all are pure functions of the stores, so a loaded snapshot rebuilds them
 * identically.
 *
 * | per-step cost            | what                                                            |
 * |--------------------------|-----------------------------------------------------------------|
 * | decay                    | 2 (pair rules) or 4 (triplet) multiplies per neuron with traces |
 * | per pre spike            | one pass over its out-row (random read of o1[post])             |
 * | per post spike           | one pass over its plastic in-row: random read-modify-write of   |
 * |                          | the weight (gathered first, see potentiateRow)                  |
 *
 * References: Morrison A, Diesmann M, Gerstner W (2008) Biol Cybern 98:459 (trace-based STDP and
 *   its update order); Pfister J-P, Gerstner W (2006) J Neurosci 26:9673; Song S, Miller KD,
 *   Abbott LF (2000) Nat Neurosci 3:919.
 */
import type { Sim } from '../src/engine/world.ts'
import { adjacency } from '../src/engine/adjacency.ts'
import { cacheFor, compile, O1, O2, R1, R2, type Compiled } from './stdpCompile.ts'

export { resolveStdpRule, setStdpRule } from './stdpCompile.ts'

// ---------------------------------------------------------------------------------------------
// The system
// ---------------------------------------------------------------------------------------------

export function stdp(sim: Sim): void {
  const adj = adjacency(sim)
  const c = cacheFor(sim, adj)
  if (c.used.length === 0) return
  compile(sim, c)
  const T = sim.components.StdpTrace
  const { r1, r2, o1, o2 } = T
  if (c.use[R2] === 1 || c.use[O2] === 1) decayTraces(c.members, r1, r2, o1, o2, c.decay[R1]!, c.decay[R2]!, c.decay[O1]!, c.decay[O2]!)
  else decayPair(c.members, r1, o1, c.decay[R1]!, c.decay[O1]!)
  const count = sim.spikes.count
  if (count === 0) return
  const spikes = sim.spikes.ids
  const isMember = c.isMember
  const K = c.compiled
  const { post, weight } = sim.components.Synapse
  const rule = sim.components.Plasticity.rule
  const { preStart, preSyn } = adj
  const { inStart, inSyn, inPre, inRule, scratch } = c
  for (let i = 0; i < count; i++) {
    const n = spikes[i]!
    if (isMember[n] === 1) depressRow(preSyn, preStart[n]!, preStart[n + 1]!, rule, post, weight, o1, r2[n]!, K)
  }
  for (let i = 0; i < count; i++) {
    const n = spikes[i]!
    if (isMember[n] === 1) potentiateRow(inSyn, inPre, inRule, inStart[n]!, inStart[n + 1]!, weight, r1, o2[n]!, K, scratch)
  }
  const kR1 = c.keep[R1]!
  const kR2 = c.keep[R2]!
  const kO1 = c.keep[O1]!
  const kO2 = c.keep[O2]!
  const iR1 = c.inc[R1]!
  const iR2 = c.inc[R2]!
  const iO1 = c.inc[O1]!
  const iO2 = c.inc[O2]!
  for (let i = 0; i < count; i++) {
    const n = spikes[i]!
    if (isMember[n] !== 1) continue
    r1[n] = r1[n]! * kR1 + iR1
    r2[n] = r2[n]! * kR2 + iR2
    o1[n] = o1[n]! * kO1 + iO1
    o2[n] = o2[n]! * kO2 + iO2
  }
}

function decayPair(ids: Uint32Array, r1: Float64Array, o1: Float64Array, d1: number, d3: number): void {
  for (let i = 0; i < ids.length; i++) {
    const n = ids[i]!
    r1[n]! *= d1
    o1[n]! *= d3
  }
}

function decayTraces(
  ids: Uint32Array, r1: Float64Array, r2: Float64Array, o1: Float64Array, o2: Float64Array,
  d1: number, d2: number, d3: number, d4: number,
): void {
  for (let i = 0; i < ids.length; i++) {
    const n = ids[i]!
    r1[n]! *= d1
    r2[n]! *= d2
    o1[n]! *= d3
    o2[n]! *= d4
  }
}

/** Depression along out-row entries [from, to) of a neuron that fired (its own r2 = r2n). */
function depressRow(
  row: Uint32Array, from: number, to: number, rule: Uint8Array, post: Uint32Array, weight: Float32Array,
  o1: Float64Array, r2n: number, K: Compiled,
): void {
  const { Am, A3m, cM, dM, wMax } = K
  for (let k = from; k < to; k++) {
    const s = row[k]!
    const q = rule[s]!
    if (q === 0) continue
    const w = weight[s]!
    const nw = w - (Am[q]! + A3m[q]! * r2n) * o1[post[s]!]! * (cM[q]! + dM[q]! * w)
    const hi = wMax[q]!
    weight[s] = nw < 0 ? 0 : nw > hi ? hi : nw
  }
}

/**
 * Potentiation along plastic in-row entries [from, to) of a neuron that fired (its own o2 = o2n).
 * The weights are scattered over the synapse store (stored in out-row order), so this is a random
 * read-modify-write per synapse. Gathering them first, in a loop of loads only, lets the CPU have
 * many cache misses in flight; the second loop then finds them in cache. Measured (5000 neurons,
 * 4·10⁶ random plastic synapses, 20 spikes per step): ≈ 28 ns per potentiation, against ≈ 44 ns
 * walking the adjacency in-row with rule and pre read per synapse and no gather; ≈ 6 ns per
 * depression (out-rows are contiguous in the synapse store).
 */
function potentiateRow(
  syn: Uint32Array, preOf: Uint32Array, ruleOf: Uint8Array, from: number, to: number, weight: Float32Array,
  r1: Float64Array, o2n: number, K: Compiled, tmp: Float32Array,
): void {
  for (let k = from; k < to; k++) tmp[k - from] = weight[syn[k]!]!
  const { Ap, A3p, cP, dP, wMax } = K
  for (let k = from; k < to; k++) {
    const q = ruleOf[k]!
    const w = tmp[k - from]!
    const nw = w + (Ap[q]! + A3p[q]! * o2n) * r1[preOf[k]!]! * (cP[q]! + dP[q]! * w)
    const hi = wMax[q]!
    weight[syn[k]!] = nw < 0 ? 0 : nw > hi ? hi : nw
  }
}
