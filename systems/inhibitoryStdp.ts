/**
 * Inhibitory STDP (Vogels et al. 2011) on every synapse whose `InhibitoryPlasticity.rule` is not 0.
 * Model, equations, parameter table and references: components/inhibitoryPlasticity.ts. Runs after
 * propagation (and the other plasticity systems) in every fast step, so a spike is delivered with
 * the weight it had before this step's plasticity.
 *
 * Per step (t = step · dt), in this order:
 *   1. decay       x ← x · e^(−dt/τ_STDP) for every neuron carrying a trace (exact)
 *   2. pre spikes  for each spiking neuron n (ascending), its iSTDP out-row (eids ascending):
 *                  w ← clip(w + η (x[post] − α), 0, w_max)            (rules with t ≥ onset)
 *   3. post spikes for each spiking neuron n (ascending), its iSTDP in-row (eids ascending):
 *                  w ← clip(w + η x[pre], 0, w_max)                    (rules with t ≥ onset)
 *   4. bump        x ← x + 1 for each spiking neuron carrying a trace
 * A pre spike at step a and a post spike at step b = a + m (m > 0) meet in step b with
 * x[pre] = e^(−m·dt/τ): Δw = η e^(−|Δt|/τ) on the step grid, for either order (symmetric window),
 * plus −ηα per presynaptic spike. Spikes of both ends in the same step do not pair.
 *
 * Switching on at a time: each rule's `onset_ms` (params.istdpRules). Before it the traces run but
 * no weight changes; scenes expose it as a parameter (scenes/vogels2011.ts `istdpOnset_ms`), and a
 * scenario can equally edit the rule in `params` — the rules are read every step.
 *
 * Cost: decay ≈ 1 multiply per trace-carrying neuron and step; per spike one pass over the
 * neuron's iSTDP out-row and in-row, kept as separate CSR rows (built from the adjacency index when
 * it changes, a pure function of the stores) so rows of non-plastic synapses are never walked.
 * A world without iSTDP synapses returns after one comparison. Put synapses under a rule with
 * `setIstdpRule` (it marks the rows stale); a rule index written into the store directly is seen
 * only at the next adjacency rebuild.
 *
 * References: Vogels TP, Sprekeler H, Zenke F, Clopath C, Gerstner W (2011) Science 334:1569.
 *   doi:10.1126/science.1211095 ; Morrison A, Diesmann M, Gerstner W (2008) Biol Cybern 98:459.
 */
import { query } from 'bitecs'
import type { Sim } from '../src/engine/world.ts'
import { joinComponent } from '../src/engine/entities.ts'
import { adjacency, maxEntityId, type Adjacency } from '../src/engine/adjacency.ts'
import { ensure } from '../src/engine/store.ts'
import { exp } from '../src/engine/detmath.ts'
import { ISTDP_RULES, MAX_ISTDP_RULES, istdpAlpha, istdpRuleIndex, validateIstdpRule, type IstdpRule } from '../components/inhibitoryPlasticity.ts'

interface IstdpCache {
  rebuilds: number
  neuronsVersion: number
  stale: boolean
  members: Uint32Array
  isMember: Uint8Array
  used: number[]
  outStart: Uint32Array
  outSyn: Uint32Array
  outPost: Uint32Array
  outRule: Uint8Array
  inStart: Uint32Array
  inSyn: Uint32Array
  inPre: Uint32Array
  inRule: Uint8Array
  /** Per rule: η, α, w_max, and 1 while t ≥ onset (only indices in use are filled). */
  eta: Float64Array
  alpha: Float64Array
  wMax: Float64Array
  on: Uint8Array
  /** Per rule, the (η, ρ0, τ, w_max, onset) last validated (NaN: not yet). */
  seen: Float64Array
  decay: number
  tau: number
  dt: number
}
const caches = new WeakMap<Sim, IstdpCache>()

/** The world's iSTDP rules (a copy of the presets is put into params on first use). */
export function istdpRules(sim: Sim): IstdpRule[] {
  return (sim.params.istdpRules ??= ISTDP_RULES.map((r) => ({ ...r })))
}

/** Put synapse `s` under iSTDP rule `rule` (name or index in params.istdpRules; "none" / 0: off). */
export function setIstdpRule(sim: Sim, s: number, rule: number | string): void {
  const S = sim.components.Synapse
  if (!(Number.isInteger(s) && s >= 1 && s < S.alive.length && S.alive[s] === 1)) throw new Error(`setIstdpRule: ${s} is not a live synapse`)
  const rules = istdpRules(sim)
  const q = istdpRuleIndex(rules, rule)
  if (q !== 0) {
    validateIstdpRule(rules[q], `params.istdpRules[${q}]`)
    joinTrace(sim, S.pre[s]!)
    joinTrace(sim, S.post[s]!)
  }
  ensure(sim.stores.InhibitoryPlasticity, s)
  sim.components.InhibitoryPlasticity.rule[s] = q
  const c = caches.get(sim)
  if (c) c.stale = true
}

function joinTrace(sim: Sim, n: number): void {
  joinComponent(sim, sim.stores.IstdpTrace, n)
}

function cacheFor(sim: Sim, adj: Adjacency): IstdpCache {
  const c = caches.get(sim)
  if (c && !c.stale && c.rebuilds === adj.rebuilds && c.neuronsVersion === sim.indices.neurons.version && c.isMember.length === adj.rows) return c
  const T = sim.components.IstdpTrace
  const members = Uint32Array.from(query(sim.world, [T])).sort()
  // No neuron carries a trace: no iSTDP synapse can exist (setIstdpRule adds both), skip the scan.
  if (members.length === 0) {
    const empty = plasticRows(0, new Uint32Array(1), new Uint32Array(0), sim.components.InhibitoryPlasticity.rule, sim.components.Synapse.post)
    const none: IstdpCache = {
      rebuilds: adj.rebuilds, neuronsVersion: sim.indices.neurons.version, stale: false, members, isMember: new Uint8Array(adj.rows), used: [],
      outStart: empty.start, outSyn: empty.syn, outPost: empty.other, outRule: empty.rule, inStart: empty.start, inSyn: empty.syn, inPre: empty.other, inRule: empty.rule,
      eta: new Float64Array(0), alpha: new Float64Array(0), wMax: new Float64Array(0), on: new Uint8Array(0), seen: new Float64Array(0), decay: NaN, tau: NaN, dt: NaN,
    }
    caches.set(sim, none)
    return none
  }
  const isMember = new Uint8Array(adj.rows)
  for (let i = 0; i < members.length; i++) if (members[i]! < adj.rows) isMember[members[i]!] = 1
  const { alive, pre, post } = sim.components.Synapse
  const rule = sim.components.InhibitoryPlasticity.rule
  const top = Math.min(alive.length - 1, rule.length - 1, maxEntityId(sim))
  const usedMask = new Uint8Array(MAX_ISTDP_RULES)
  for (let s = 1; s <= top; s++) {
    const q = rule[s]!
    if (q === 0 || alive[s] === 0) continue
    if (isMember[pre[s]!] !== 1 || isMember[post[s]!] !== 1)
      throw new Error(`iSTDP: synapse ${s} has rule ${q} but neuron ${isMember[pre[s]!] !== 1 ? pre[s] : post[s]} carries no trace`)
    usedMask[q] = 1
  }
  const used: number[] = []
  for (let q = 1; q < MAX_ISTDP_RULES; q++) if (usedMask[q]) used.push(q)
  const out = plasticRows(adj.rows, adj.preStart, adj.preSyn, rule, post)
  const inn = plasticRows(adj.rows, adj.postStart, adj.postSyn, rule, pre)
  const next: IstdpCache = {
    rebuilds: adj.rebuilds,
    neuronsVersion: sim.indices.neurons.version,
    stale: false,
    members,
    isMember,
    used,
    outStart: out.start,
    outSyn: out.syn,
    outPost: out.other,
    outRule: out.rule,
    inStart: inn.start,
    inSyn: inn.syn,
    inPre: inn.other,
    inRule: inn.rule,
    eta: new Float64Array(MAX_ISTDP_RULES),
    alpha: new Float64Array(MAX_ISTDP_RULES),
    wMax: new Float64Array(MAX_ISTDP_RULES),
    on: new Uint8Array(MAX_ISTDP_RULES),
    seen: new Float64Array(5 * MAX_ISTDP_RULES).fill(NaN),
    decay: NaN,
    tau: NaN,
    dt: NaN,
  }
  caches.set(sim, next)
  return next
}

/** Adjacency rows filtered to iSTDP synapses, with the other end and the rule of each alongside. */
function plasticRows(rows: number, start: Uint32Array, syn: Uint32Array, rule: Uint8Array, end: Uint32Array) {
  let count = 0
  for (let k = 0; k < syn.length; k++) if (rule[syn[k]!] !== 0) count++
  const out = { start: new Uint32Array(rows + 1), syn: new Uint32Array(count), other: new Uint32Array(count), rule: new Uint8Array(count) }
  let j = 0
  for (let n = 0; n < rows; n++) {
    out.start[n] = j
    for (let k = start[n]!; k < start[n + 1]!; k++) {
      const s = syn[k]!
      if (rule[s] === 0) continue
      out.syn[j] = s
      out.other[j] = end[s]!
      out.rule[j] = rule[s]!
      j++
    }
  }
  out.start[rows] = j
  return out
}

/** Read the rules in use (every step: a scenario may edit them), check them; any rule switched on now? */
function compile(sim: Sim, c: IstdpCache, t: number): boolean {
  const rules = sim.params.istdpRules ?? ISTDP_RULES
  let tau = NaN
  let anyOn = false
  for (const q of c.used) {
    const r = rules[q]
    if (r === undefined) throw new Error(`iSTDP: synapses use rule ${q}, but params.istdpRules has ${rules.length} rules`)
    const k = 5 * q
    const sn = c.seen
    if (sn[k] !== r.eta || sn[k + 1] !== r.rho0_Hz || sn[k + 2] !== r.tau_ms || sn[k + 3] !== r.wMax || sn[k + 4] !== r.onset_ms) {
      validateIstdpRule(r, `params.istdpRules[${q}] "${r.name}"`)
      sn.set([r.eta, r.rho0_Hz, r.tau_ms, r.wMax, r.onset_ms], k)
    }
    if (Number.isNaN(tau)) tau = r.tau_ms
    else if (r.tau_ms !== tau) throw new Error(`iSTDP: rules in use must share tau_ms (one trace per neuron): "${r.name}" has ${r.tau_ms} ms, another ${tau} ms`)
    c.eta[q] = r.eta
    c.alpha[q] = istdpAlpha(r)
    c.wMax[q] = r.wMax
    const on = t >= r.onset_ms - 0.5 * sim.time.dt_ms
    c.on[q] = on ? 1 : 0
    anyOn ||= on
  }
  const dt = sim.time.dt_ms
  if (tau !== c.tau || dt !== c.dt) {
    c.tau = tau
    c.dt = dt
    c.decay = exp(-dt / tau)
  }
  return anyOn
}

export function inhibitoryStdp(sim: Sim): void {
  const adj = adjacency(sim)
  const c = cacheFor(sim, adj)
  if (c.used.length === 0) return
  const t = sim.time.step * sim.time.dt_ms
  const anyOn = compile(sim, c, t)
  const x = sim.components.IstdpTrace.x
  decay(c.members, x, c.decay)
  const count = sim.spikes.count
  if (count === 0) return
  const spikes = sim.spikes.ids
  const isMember = c.isMember
  if (anyOn) {
    const weight = sim.components.Synapse.weight
    for (let i = 0; i < count; i++) {
      const n = spikes[i]!
      if (isMember[n] === 1) preRow(c, c.outStart[n]!, c.outStart[n + 1]!, weight, x)
    }
    for (let i = 0; i < count; i++) {
      const n = spikes[i]!
      if (isMember[n] === 1) postRow(c, c.inStart[n]!, c.inStart[n + 1]!, weight, x)
    }
  }
  for (let i = 0; i < count; i++) {
    const n = spikes[i]!
    if (isMember[n] === 1) x[n]! += 1
  }
}

function decay(ids: Uint32Array, x: Float64Array, d: number): void {
  for (let i = 0; i < ids.length; i++) x[ids[i]!]! *= d
}

/** Presynaptic spike: w ← clip(w + η (x_post − α)) along iSTDP out-row entries [from, to). */
function preRow(c: IstdpCache, from: number, to: number, weight: Float32Array, x: Float64Array): void {
  const { outSyn, outPost, outRule, eta, alpha, wMax, on } = c
  for (let k = from; k < to; k++) {
    const s = outSyn[k]!
    const q = outRule[k]!
    if (on[q] === 0) continue
    const nw = weight[s]! + eta[q]! * (x[outPost[k]!]! - alpha[q]!)
    const hi = wMax[q]!
    weight[s] = nw < 0 ? 0 : nw > hi ? hi : nw
  }
}

/** Postsynaptic spike: w ← clip(w + η x_pre) along iSTDP in-row entries [from, to). */
function postRow(c: IstdpCache, from: number, to: number, weight: Float32Array, x: Float64Array): void {
  const { inSyn, inPre, inRule, eta, wMax, on } = c
  for (let k = from; k < to; k++) {
    const s = inSyn[k]!
    const q = inRule[k]!
    if (on[q] === 0) continue
    const nw = weight[s]! + eta[q]! * x[inPre[k]!]!
    const hi = wMax[q]!
    weight[s] = nw < 0 ? 0 : nw > hi ? hi : nw
  }
}
