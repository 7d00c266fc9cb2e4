/**
 * Synaptic tagging and capture (slow clock; first slow system): the early phase of every weight
 * change decays unless it is consolidated; tags set by large early changes capture
 * plasticity-related proteins (PRP) made by the neuron after strong induction, and turn into a
 * stable late component. Model, parameters and references: components/consolidation.ts
 * (Clopath et al. 2008 TagTriC maintenance equations; Frey & Morris 1997).
 *
 * Rule-agnostic: the layer does not know which rule induced a change. At each slow tick it reads
 * every consolidating synapse's weight and treats the difference from the weight it last wrote as
 * the rule's early change (calcium rule, STDP, a person's edit). Homeostatic scaling tells the
 * layer instead (`scaleConsolidated`), so scaling is not mistaken for early plasticity.
 *
 * Per slow tick of Δt = slowTickDt_ms (fast-forward ticks included; nothing here needs spikes),
 * postsynaptic neurons ascending, their consolidating synapses by eid ascending:
 *   1. early change  d = w − seen;  e ← e + d;  re-tag with probability |d| / (g·u) (stream
 *                    'consolidation', one draw per synapse with d ≠ 0 and a probability in (0, 1))
 *   2. integrate Δt in K = ceil(Δt / 10 s) equal sub-steps δ (10 s ≤ τ_z/36):
 *        p ← p∞ + (p − p∞) e^(−kδ),  k = 1/τ_pd + s/τ_pm,  p∞ = (s/τ_pm)/k,
 *            s = proteinSynthesis · Θ[Σ|tag| − θ_p N]      (exact for the sub-step)
 *        z ← Heun step of τ_z dz/dt = z(1 − z)(z − κ) + γ·tag·p̄  (p̄: mean of p over the sub-step)
 *        e ← e · e^(−δ/τ_h)  (e > 0)  or  e · e^(−δ/τ_l)  (e < 0)        (exact)
 *   3. write w = u (1 + g_z z) + e   (e clipped so that w ≥ 0);  seen ← w
 *   4. tags held during the tick are lost with probability 1 − e^(−Δt/τ_h) (LTP) or
 *      1 − e^(−Δt/τ_l) (LTD): one draw per tagged synapse.
 * The rule's changes therefore enter at tick resolution (slowTick_ms of fast time), which is far
 * below the minutes-to-hours time constants here.
 *
 * Cost: nothing without consolidating synapses (a cached list, rebuilt with the adjacency index);
 * else O(consolidating synapses · K) per slow tick.
 *
 * References: Frey U, Morris RGM (1997) Nature 385:533. doi:10.1038/385533a0; Clopath C, Ziegler L,
 *   Vasilaki E, Büsing L, Gerstner W (2008) PLoS Comput Biol 4:e1000248. doi:10.1371/journal.pcbi.1000248
 */
import { addComponent, hasComponent, query } from 'bitecs'
import type { Sim } from '../src/engine/world.ts'
import { adjacency, type Adjacency } from '../src/engine/adjacency.ts'
import { clearEntity, ensure } from '../src/engine/store.ts'
import { exp } from '../src/engine/detmath.ts'
import { stream, type Stream } from '../src/engine/rng.ts'
import { drugEffects } from './drugs.ts'
import { TAGTRIC, TAG_LTD, TAG_LTP, TAG_NONE, type ConsolidationParams } from '../components/consolidation.ts'

/** Largest integration sub-step (s). */
export const MAX_SUBSTEP_S = 10

interface Cache {
  rebuilds: number
  rows: number
  stale: boolean
  /** Postsynaptic neurons with consolidating synapses (ascending) and their rows (CSR). */
  posts: Uint32Array
  start: Uint32Array
  syn: Uint32Array
}
const caches = new WeakMap<Sim, Cache>()

function cacheFor(sim: Sim, adj: Adjacency): Cache {
  const c = caches.get(sim)
  if (c && !c.stale && c.rebuilds === adj.rebuilds && c.rows === adj.rows) return c
  const on = sim.components.Consolidation.on
  const posts: number[] = []
  const start: number[] = [0]
  const syn: number[] = []
  for (let n = 0; n < adj.rows; n++) {
    const before = syn.length
    for (let k = adj.postStart[n]!; k < adj.postStart[n + 1]!; k++) {
      const s = adj.postSyn[k]!
      if (s < on.length && on[s] === 1) syn.push(s)
    }
    if (syn.length > before) {
      posts.push(n)
      start.push(syn.length)
    }
  }
  const next: Cache = { rebuilds: adj.rebuilds, rows: adj.rows, stale: false, posts: Uint32Array.from(posts), start: Uint32Array.from(start), syn: Uint32Array.from(syn) }
  caches.set(sim, next)
  return next
}

/**
 * Put synapse `s` under the consolidation layer with late phase z0 ∈ [0, 1] (default 0): its present
 * weight w becomes u (1 + g_z z0), no early change, no tag. Its postsynaptic neuron gets a PRP pool
 * (p = 0) if it has none.
 */
export function enableConsolidation(sim: Sim, s: number, z0 = 0): void {
  const S = sim.components.Synapse
  if (!(Number.isInteger(s) && s >= 1 && s < S.alive.length && S.alive[s] === 1)) throw new Error(`enableConsolidation: ${s} is not a live synapse`)
  if (!(z0 >= 0 && z0 <= 1)) throw new Error(`enableConsolidation: z0 must be in [0, 1], got ${z0}`)
  ensure(sim.stores.Consolidation, s)
  const C = sim.components.Consolidation
  const w = S.weight[s]!
  C.on[s] = 1
  C.tag[s] = TAG_NONE
  C.unit[s] = w / (1 + TAGTRIC.gZ * z0)
  C.early[s] = 0
  C.z[s] = z0
  C.seen[s] = w
  const post = S.post[s]!
  const P = sim.stores.Proteins
  if (!hasComponent(sim.world, post, P.data)) {
    ensure(P, post)
    clearEntity(P, post)
    addComponent(sim.world, post, P.data)
  }
  const c = caches.get(sim)
  if (c) c.stale = true
}

/** Homeostatic scaling multiplied synapse s's weight by f: scale its layer state with it. */
export function scaleConsolidated(sim: Sim, s: number, f: number): void {
  const C = sim.components.Consolidation
  if (s >= C.on.length || C.on[s] !== 1) return
  C.unit[s] = C.unit[s]! * f
  C.early[s] = C.early[s]! * f
  C.seen[s] = C.seen[s]! * f
}

/** Re-tag after an early change d (weight units) of a synapse with unit u (see components/consolidation.ts). */
function retag(tag: Uint8Array, s: number, d: number, u: number, P: ConsolidationParams, rng: Stream): void {
  const t = tag[s]!
  // Potentiation tags an untagged synapse (one early-LTP step = g_h·u) or clears an LTD tag
  // (one early-LTD step = g_l·u); depression the other way round.
  let q: number
  let to: number
  if (d > 0) {
    if (t === TAG_LTP) return
    q = t === TAG_LTD ? d / (P.gL * u) : d / (P.gH * u)
    to = t === TAG_LTD ? TAG_NONE : TAG_LTP
  } else {
    if (t === TAG_LTD) return
    q = t === TAG_LTP ? -d / (P.gH * u) : -d / (P.gL * u)
    to = t === TAG_LTP ? TAG_NONE : TAG_LTD
  }
  if (!(q > 0)) return
  if (q >= 1 || rng.next() < q) tag[s] = to
}

/** z′ · τ_z of TagTriC's late phase. */
function dz(z: number, drive: number, P: ConsolidationParams): number {
  return z * (1 - z) * (z - P.kappa) + drive
}

export function consolidation(sim: Sim): void {
  const dt_s = sim.time.slowTickDt_ms / 1000
  // Neurons with a PRP pool are exactly those with consolidating synapses (or had them).
  if (!(dt_s > 0) || query(sim.world, [sim.components.Proteins]).length === 0) return
  const adj = adjacency(sim)
  const c = cacheFor(sim, adj)
  if (c.syn.length === 0) return
  advanceConsolidation(sim, c, dt_s, TAGTRIC)
}

function advanceConsolidation(sim: Sim, c: Cache, dt_s: number, P: ConsolidationParams): void {
  const C = sim.components.Consolidation
  const w = sim.components.Synapse.weight
  const prot = sim.components.Proteins.p
  const { posts, start, syn } = c
  const rng = stream(sim.rng, 'consolidation')
  const synthesis = drugEffects(sim).proteinSynthesis
  // 1. the rule's changes since the last tick
  for (let k = 0; k < syn.length; k++) {
    const s = syn[k]!
    const d = w[s]! - C.seen[s]!
    if (d === 0) continue
    C.early[s] = C.early[s]! + d
    retag(C.tag, s, d, C.unit[s]!, P, rng)
  }
  // 2. integrate
  const K = Math.max(1, Math.ceil(dt_s / MAX_SUBSTEP_S))
  const h = dt_s / K
  const decayH = exp(-h / P.tauH_s)
  const decayL = exp(-h / P.tauL_s)
  const decayPd = exp(-h / P.tauPd_s)
  for (let i = 0; i < posts.length; i++) {
    const n = posts[i]!
    const a = start[i]!
    const b = start[i + 1]!
    let tags = 0
    for (let k = a; k < b; k++) if (C.tag[syn[k]!] !== TAG_NONE) tags++
    const on = tags > P.thetaP * (b - a) ? synthesis : 0
    let p = prot[n]!
    let kp = 1 / P.tauPd_s
    let pInf = 0
    let decayP = decayPd
    if (on > 0) {
      kp += on / P.tauPm_s
      pInf = on / P.tauPm_s / kp
      decayP = exp(-kp * h)
    }
    for (let step = 0; step < K; step++) {
      const p0 = p
      p = pInf + (p - pInf) * decayP
      // Mean of p over the sub-step (exact for the exponential relaxation).
      const pMean = kp * h > 1e-12 ? pInf + ((p0 - pInf) * (1 - decayP)) / (kp * h) : p0
      for (let k = a; k < b; k++) {
        const s = syn[k]!
        const t = C.tag[s]!
        const drive = t === TAG_NONE ? 0 : P.gamma * (t === TAG_LTP ? 1 : -1) * pMean
        const z0 = C.z[s]!
        const f0 = dz(z0, drive, P)
        const z1 = z0 + (h / P.tauZ_s) * f0
        let z = z0 + (h / P.tauZ_s) * 0.5 * (f0 + dz(z1, drive, P))
        if (z < 0) z = 0
        else if (z > 1) z = 1
        C.z[s] = z
        const e = C.early[s]!
        if (e !== 0) C.early[s] = e * (e > 0 ? decayH : decayL)
      }
    }
    prot[n] = p
  }
  // 3. weights; 4. tag loss
  const loseH = 1 - exp(-dt_s / P.tauH_s)
  const loseL = 1 - exp(-dt_s / P.tauL_s)
  for (let k = 0; k < syn.length; k++) {
    const s = syn[k]!
    const late = C.unit[s]! * (1 + P.gZ * C.z[s]!)
    if (C.early[s]! < -late) C.early[s] = -late
    w[s] = Math.max(0, late + C.early[s]!)
    C.seen[s] = w[s]!
    const t = C.tag[s]!
    if (t !== TAG_NONE && rng.next() < (t === TAG_LTP ? loseH : loseL)) C.tag[s] = TAG_NONE
  }
}

/** The PRP level of neuron n (0 if it has no pool). */
export function proteinLevel(sim: Sim, n: number): number {
  const P = sim.stores.Proteins
  return hasComponent(sim.world, n, P.data) ? P.data.p[n]! : 0
}
