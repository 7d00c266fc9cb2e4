/**
 * Calcium-based plasticity (Graupner & Brunel 2012) on every synapse whose `Calcium.rule` is not 0,
 * event-driven: a synapse is touched only at its own calcium events (a presynaptic influx arriving,
 * a postsynaptic spike), never every step. Model, equations, parameter sets and references:
 * components/calcium.ts; the analytic prediction it is checked against: systems/calciumMeanField.ts.
 * Runs after propagation (and STDP) in each fast step, so a spike is delivered with the weight the
 * synapse had before this step's calcium events.
 *
 * Between two events of a synapse (h = t1 − t0, calcium c0 just after the earlier one), exactly:
 *   c(t) = c0 e^(−(t − t0)/τ_Ca);  c stays above θ for t_θ = τ_Ca ln(c0/θ) (0 if c0 ≤ θ), so the
 *   interval splits into at most three pieces: both thresholds crossed, the lower one only, none.
 * On each piece ρ is advanced by the efficacy equation with that piece's Θ's fixed:
 *   - no threshold crossed: τ dρ/dt = −ρ(1 − ρ)(ρ* − ρ), deterministic. For ρ* = ½ (every published
 *     set) exactly: with x = ρ − ½,  x(t) = x0 / √(4x0² + (1 − 4x0²) e^(−t/(2τ)))  (x⁻² obeys a
 *     linear ODE). Otherwise RK4 with steps ≤ τ/200.
 *   - a threshold crossed: the linear part plus noise, τ dρ = [γ_pΘ_p − Γρ] dt + σ√τ √n dW
 *     (Γ = γ_pΘ_p + γ_dΘ_d, n = Θ_p + Θ_d), is an Ornstein–Uhlenbeck process, advanced exactly:
 *       ρ ← ρ̄ + (ρ − ρ̄) e^(−ΓL/τ) + √(nσ²/(2Γ) · (1 − e^(−2ΓL/τ))) · N(0, 1),   ρ̄ = γ_pΘ_p/Γ
 *     and the cubic term is added by Strang splitting (half a piece of the cubic flow, the OU step,
 *     the other half). The cubic is ≤ 0.05 against Γ ≥ γ's of 50–1600, so the splitting error is
 *     ~10⁻¹⁰ per piece (Higgins, Graupner & Brunel 2014 treat the pieces the same way: OU above
 *     threshold, the deterministic bistable flow below).
 * Then at the event: c ← c + C_pre (presynaptic influx) or c + C_post (postsynaptic spike), and
 * `Synapse.weight` is rescaled by g(ρ_new)/g(ρ_old), g(ρ) = 1 + (b − 1) clip(ρ) (so w = w0·g(ρ)).
 * The time of a synapse's last event is max(CalciumTimes.lastPre_ms[pre], lastPost_ms[post])
 * (components/calcium.ts): per-neuron times, set after each neuron's events are processed.
 *
 * Timing: the presynaptic influx arrives at the somatic spike time + D (the rule's D_ms, at its
 * exact time, off the step grid); postsynaptic spikes count at their step. Influxes still on their
 * way live in `sim.state.calcium.pending` (flat pairs [arrival ms, presynaptic neuron], ascending
 * arrival), so they are in snapshots and the state hash. Per step, in this order:
 *   1. arrivals with time ≤ t (oldest first): each calcium synapse of the neuron's out-row is
 *      advanced to the arrival time and gets C_pre; then lastPre_ms ← arrival
 *   2. spikes of this step (sim.spikes order), postsynaptic side: in-row calcium synapses, advance
 *      to t, + C_post; then lastPost_ms ← t
 *   3. same spikes, presynaptic side: D = 0 → as in 1 at t; D > 0 → queued
 * A pre influx and a post spike at the same instant commute (no time passes between them). All
 * calcium synapses leaving one neuron must share D (their influxes arrive together); a world that
 * mixes them is refused, naming the neuron and the rules.
 *
 * Joining: a synapse put under a rule at t0 starts with c = 0 and efficacy ρ0 ∈ [0, 1]. Its last
 * event time as computed above may be earlier (t_e ≤ t0), so it stores the efficacy that the
 * bistable flow carries to ρ0 in t0 − t_e (the flow run backwards, closed form), and its first
 * event brings it to exactly ρ0 at t0 — and on from there. Neurons joining start with both times
 * at t0. An influx already on its way when a synapse joins reaches it.
 *
 * Readout: `Calcium.rho` and `Calcium.c` hold their values just after the synapse's last event. `calciumAt(sim, s, t)` gives both at a later time without changing the world (noise-free
 * drift; a synapse whose calcium is above threshold then needs noise, and the call says so).
 *
 * Rules: `params.calciumRules` is read at every event, so a rule edited in place (a drug, a
 * scenario) acts from the next event on; the list and each rule object are checked when first
 * used (values edited in place later are not re-checked). Drugs (systems/drugs.ts) act the same
 * way: C_pre × nmdaGain (APV), γ_p × camkii (KN-93) from the next event on.
 *
 * Randomness: stream 'calcium', one normal deviate per piece above threshold (σ > 0), drawn in the
 * order above, so a snapshot-restored world draws the same numbers.
 *
 * Limits: a synapse cannot be under an STDP rule and a calcium rule at once (refused). A pending
 * influx of a removed neuron is dropped with it only if no new neuron took its id before the
 * influx arrived. An initial ρ0 strictly between 0 and ½ or ½ and 1 given to a synapse whose
 * neurons had no calcium event for many hours loses precision (f32 storage of the back-flowed value).
 *
 * References: Graupner M, Brunel N (2012) PNAS 109:3991. doi:10.1073/pnas.1109359109;
 *   Higgins D, Graupner M, Brunel N (2014) PLoS Comput Biol 10:e1003834. doi:10.1371/journal.pcbi.1003834
 */
import { addComponent, hasComponent, query } from 'bitecs'
import type { Sim } from '../src/engine/world.ts'
import { adjacency, maxEntityId, type Adjacency } from '../src/engine/adjacency.ts'
import { clearEntity, ensure } from '../src/engine/store.ts'
import { exp, log } from '../src/engine/detmath.ts'
import { stream, type Stream } from '../src/engine/rng.ts'
import { advanceRho, cubicFlow } from './calciumIntegrate.ts'
import { drugEffects, hasDrugEffects } from './drugs.ts'
import type { DrugEffects } from '../components/drugs.ts'

export { advanceRho, cubicFlow } from './calciumIntegrate.ts'
import { calciumRuleIndex, calciumGain, MAX_CALCIUM_RULES, validateCalciumRule, validateCalciumRules, type CalciumRule } from '../components/calcium.ts'

interface CalciumCache {
  rebuilds: number
  stale: boolean
  rows: number
  /** Rule indices used by at least one live synapse, ascending. */
  used: number[]
  /** Calcium synapses per postsynaptic neuron (CSR over the adjacency in-rows, eids ascending). */
  inStart: Uint32Array
  inSyn: Uint32Array
  /** Calcium synapses per presynaptic neuron (CSR over the adjacency out-rows, eids ascending). */
  outStart: Uint32Array
  outSyn: Uint32Array
  checkedRules: unknown
}

const caches = new WeakMap<Sim, CalciumCache>()
const checked = new WeakSet<object>()

// ---------------------------------------------------------------------------------------------
// Choosing rules
// ---------------------------------------------------------------------------------------------

/** Resolve a calcium rule by index or name against the world's rules (checked); 0 = none. */
export function resolveCalciumRule(sim: Sim, rule: number | string): number {
  const rules = sim.params.calciumRules
  if (rules === undefined) throw new Error('params.calciumRules is missing (a world from before calcium rules existed?)')
  if (!checked.has(rules)) {
    validateCalciumRules(rules)
    checked.add(rules)
  }
  return calciumRuleIndex(rules, rule)
}

/**
 * Put synapse `s` under calcium rule `rule` (0 / "none": off) with efficacy `rho` ∈ [0, 1]
 * (default 0) and calcium 0 from now on; its current weight is the weight at `rho`. Throws,
 * changing nothing, for a dead synapse, an unknown rule, a bad ρ or a synapse under an STDP rule.
 */
export function setCalciumRule(sim: Sim, s: number, rule: number | string, rho = 0): void {
  const S = sim.components.Synapse
  if (!(Number.isInteger(s) && s >= 1 && s < S.alive.length && S.alive[s] === 1)) throw new Error(`setCalciumRule: ${s} is not a live synapse`)
  const q = resolveCalciumRule(sim, rule)
  if (!(rho >= 0 && rho <= 1)) throw new Error(`setCalciumRule: initial efficacy rho must be a number in [0, 1], got ${rho}`)
  if (q !== 0 && (sim.components.Plasticity.rule[s] ?? 0) !== 0)
    throw new Error(`setCalciumRule: synapse ${s} is under STDP rule ${sim.components.Plasticity.rule[s]}; a synapse takes one plasticity rule`)
  const t0 = sim.time.step * sim.time.dt_ms
  ensure(sim.stores.Calcium, s)
  const C = sim.components.Calcium
  C.rule[s] = q
  C.c[s] = 0
  C.rho[s] = rho
  if (q !== 0) {
    const pre = S.pre[s]!
    const post = S.post[s]!
    joinTimes(sim, pre, t0)
    joinTimes(sim, post, t0)
    const T = sim.components.CalciumTimes
    const tLast = Math.max(T.lastPre_ms[pre]!, T.lastPost_ms[post]!)
    // Stored: the efficacy the bistable flow carries to ρ0 by t0 (see the header).
    if (tLast < t0) C.rho[s] = cubicFlow(sim.params.calciumRules[q]!, rho, tLast - t0)
  }
  const c = caches.get(sim)
  if (c) c.stale = true
}

function joinTimes(sim: Sim, n: number, t0: number): void {
  const entry = sim.stores.CalciumTimes
  if (hasComponent(sim.world, n, entry.data)) return
  ensure(entry, n)
  clearEntity(entry, n)
  addComponent(sim.world, n, entry.data)
  entry.data.lastPre_ms[n] = t0
  entry.data.lastPost_ms[n] = t0
}

// ---------------------------------------------------------------------------------------------
// The cache
// ---------------------------------------------------------------------------------------------

function cacheFor(sim: Sim, adj: Adjacency): CalciumCache {
  let c = caches.get(sim)
  if (c && !c.stale && c.rebuilds === adj.rebuilds && c.rows === adj.rows) return c
  const rule = sim.components.Calcium.rule
  const { alive } = sim.components.Synapse
  const stdp = sim.components.Plasticity.rule
  const top = Math.min(alive.length - 1, rule.length - 1, maxEntityId(sim))
  const usedFlag = new Uint8Array(MAX_CALCIUM_RULES)
  const { pre, post } = sim.components.Synapse
  const timed = new Uint8Array(adj.rows)
  for (const n of query(sim.world, [sim.components.CalciumTimes])) if (n < adj.rows) timed[n] = 1
  for (let s = 1; s <= top; s++) {
    const q = rule[s]!
    if (q === 0 || alive[s] === 0) continue
    if ((stdp[s] ?? 0) !== 0) throw new Error(`calcium plasticity: synapse ${s} has calcium rule ${q} and STDP rule ${stdp[s]}; a synapse takes one plasticity rule`)
    if (timed[pre[s]!] !== 1 || timed[post[s]!] !== 1)
      throw new Error(`calcium plasticity: synapse ${s} has calcium rule ${q} but neuron ${timed[pre[s]!] !== 1 ? pre[s] : post[s]} carries no calcium event times`)
    usedFlag[q] = 1
  }
  const used: number[] = []
  for (let q = 1; q < MAX_CALCIUM_RULES; q++) if (usedFlag[q]) used.push(q)
  checkPending(sim.state.calcium)
  const [inStart, inSyn] = filterRows(adj.postStart, adj.postSyn, adj.rows, rule)
  const [outStart, outSyn] = filterRows(adj.preStart, adj.preSyn, adj.rows, rule)
  c = { rebuilds: adj.rebuilds, stale: false, rows: adj.rows, used, inStart, inSyn, outStart, outSyn, checkedRules: c?.checkedRules }
  caches.set(sim, c)
  return c
}

/** The in-flight influxes must be [arrival, neuron] pairs, arrivals ascending (a snapshot could lie). */
function checkPending(st: { pending: number[] } | undefined): void {
  if (st === undefined) return
  const p = st.pending
  if (!Array.isArray(p) || p.length % 2 !== 0) throw new Error('state.calcium.pending must be a list of [arrival ms, neuron] pairs')
  for (let k = 0; k < p.length; k += 2) {
    const t = p[k]
    const n = p[k + 1]
    if (typeof t !== 'number' || !Number.isFinite(t) || (k > 0 && t < p[k - 2]!))
      throw new Error(`state.calcium.pending[${k / 2}]: arrival ${t} is not a finite time in ascending order`)
    if (!Number.isInteger(n) || (n as number) < 0) throw new Error(`state.calcium.pending[${k / 2}]: neuron ${n} is not a neuron id`)
  }
}

/** A CSR index restricted to calcium synapses (rule ≠ 0), rows and order kept. */
function filterRows(start: Uint32Array, syn: Uint32Array, rows: number, rule: Uint8Array): [Uint32Array, Uint32Array] {
  let count = 0
  for (let k = 0; k < syn.length; k++) if (rule[syn[k]!]) count++
  const outStart = new Uint32Array(rows + 1)
  const out = new Uint32Array(count)
  let j = 0
  for (let n = 0; n < rows; n++) {
    outStart[n] = j
    for (let k = start[n]!; k < start[n + 1]!; k++) if (rule[syn[k]!]) out[j++] = syn[k]!
  }
  outStart[rows] = j
  return [outStart, out]
}

/** The rules in use, checked (the whole list when it changed). */
function rulesInUse(sim: Sim, c: CalciumCache): CalciumRule[] {
  const rules = sim.params.calciumRules
  if (c.checkedRules !== rules) {
    validateCalciumRules(rules)
    c.checkedRules = rules
  }
  const last = c.used[c.used.length - 1]!
  if (last >= rules.length) throw new Error(`calcium plasticity: synapses use rule ${last}, but params.calciumRules has only ${rules.length} rules`)
  for (const q of c.used) if (!checked.has(rules[q]!)) {
    validateCalciumRule(rules[q], `params.calciumRules[${q}] "${rules[q]!.name}"`)
    checked.add(rules[q]!)
  }
  return withDrugs(sim, rules)
}

/**
 * The rules as the drugs in the bath make them (systems/drugs.ts): the presynaptic influx is NMDA
 * calcium (Graupner & Brunel 2012), so C_pre × nmdaGain (APV abolishes it); LTP induction needs
 * CaMKII, so γ_p × camkii (KN-93). Without drugs, the rules themselves. Cached per (rules, bath).
 */
function withDrugs(sim: Sim, rules: CalciumRule[]): CalciumRule[] {
  const fx = drugEffects(sim)
  if (!hasDrugEffects(fx)) return rules
  const hit = drugRules.get(rules)
  if (hit !== undefined && hit.fx === fx) return hit.rules
  const adjusted = rules.map((r) => ({ ...r, Cpre: r.Cpre * fx.nmdaGain, gammaP: r.gammaP * fx.camkii }))
  drugRules.set(rules, { fx, rules: adjusted })
  return adjusted
}
const drugRules = new WeakMap<CalciumRule[], { fx: DrugEffects; rules: CalciumRule[] }>()

// ---------------------------------------------------------------------------------------------
// The system
// ---------------------------------------------------------------------------------------------

export function calciumPlasticity(sim: Sim): void {
  const count = sim.spikes.count
  const t = sim.time.step * sim.time.dt_ms
  const pending = sim.state.calcium?.pending
  const due = pending !== undefined && pending.length > 0 && pending[0]! <= t
  if (count === 0 && !due) return
  const adj = adjacency(sim)
  const c = cacheFor(sim, adj)
  if (c.used.length === 0) {
    if (pending && pending.length) pending.length = 0
    return
  }
  const rules = rulesInUse(sim, c)
  const rng = stream(sim.rng, 'calcium')
  const C = sim.components.Calcium
  const T = sim.components.CalciumTimes
  const { pre, post, weight } = sim.components.Synapse
  const { outStart, outSyn, inStart, inSyn } = c
  // 1. presynaptic influxes arriving by now
  if (due) {
    const list: number[] = pending!
    let k = 0
    while (k < list.length && list[k]! <= t) {
      const ta: number = list[k]!
      const n: number = list[k + 1]!
      if (n < c.rows) {
        for (let i = outStart[n]!; i < outStart[n + 1]!; i++) {
          const s = outSyn[i]!
          const r = rules[C.rule[s]!]!
          event(C, T, weight, s, n, post[s]!, ta, r, r.Cpre, rng)
        }
        if (ta > T.lastPre_ms[n]!) T.lastPre_ms[n] = ta
      }
      k += 2
    }
    list.splice(0, k)
  }
  if (count === 0) return
  const spikes = sim.spikes.ids
  // 2. postsynaptic spikes
  for (let i = 0; i < count; i++) {
    const n = spikes[i]!
    if (n >= c.rows || inStart[n] === inStart[n + 1]) continue
    for (let k = inStart[n]!; k < inStart[n + 1]!; k++) {
      const s = inSyn[k]!
      const r = rules[C.rule[s]!]!
      event(C, T, weight, s, pre[s]!, n, t, r, r.Cpost, rng)
    }
    T.lastPost_ms[n] = t
  }
  // 3. presynaptic spikes: now (D = 0) or queued
  for (let i = 0; i < count; i++) {
    const n = spikes[i]!
    if (n >= c.rows || outStart[n] === outStart[n + 1]) continue
    const D = sharedDelay(rules, C.rule, outSyn, outStart[n]!, outStart[n + 1]!, n)
    if (D > 0) {
      enqueue(sim, t + D, n)
      continue
    }
    for (let k = outStart[n]!; k < outStart[n + 1]!; k++) {
      const s = outSyn[k]!
      const r = rules[C.rule[s]!]!
      event(C, T, weight, s, n, post[s]!, t, r, r.Cpre, rng)
    }
    T.lastPre_ms[n] = t
  }
}

/** The D of the calcium synapses leaving neuron n (they must agree: their influxes arrive together). */
function sharedDelay(rules: CalciumRule[], rule: Uint8Array, syn: Uint32Array, from: number, to: number, n: number): number {
  const first = rules[rule[syn[from]!]!]!
  for (let k = from + 1; k < to; k++) {
    const r = rules[rule[syn[k]!]!]!
    if (r.D_ms !== first.D_ms)
      throw new Error(
        `calcium plasticity: synapses leaving neuron ${n} use rules "${first.name}" (D_ms ${first.D_ms}) and "${r.name}" (D_ms ${r.D_ms}); ` +
          'the calcium synapses of one presynaptic neuron must share D_ms',
      )
  }
  return first.D_ms
}

/** Insert [arrival, neuron] keeping arrivals ascending (equal arrivals: first queued first). */
function enqueue(sim: Sim, ta: number, n: number): void {
  const st = (sim.state.calcium ??= { pending: [] })
  const p = st.pending
  let k = p.length
  while (k > 0 && p[k - 2]! > ta) k -= 2
  if (k === p.length) p.push(ta, n)
  else p.splice(k, 0, ta, n)
}

type CalciumStore = Sim['components']['Calcium']
type TimesStore = Sim['components']['CalciumTimes']

/** Advance synapse s (pre → post) to time t, add `jump` to its calcium and rescale its weight. */
function event(
  C: CalciumStore, T: TimesStore, weight: Float32Array, s: number, pre: number, post: number, t: number, r: CalciumRule, jump: number, rng: Stream,
): void {
  const a = T.lastPre_ms[pre]!
  const b = T.lastPost_ms[post]!
  const h = t - (a > b ? a : b)
  const rho0 = C.rho[s]!
  let c = C.c[s]!
  let rho = rho0
  if (h > 0) {
    rho = advanceRho(r, c, rho0, h, rng)
    c *= exp(-h / r.tauCa_ms)
  }
  C.c[s] = c + jump
  C.rho[s] = rho
  const g0 = calciumGain(rho0, r.b)
  const g1 = calciumGain(C.rho[s]!, r.b)
  if (g1 !== g0) weight[s] = (weight[s]! / g0) * g1
}

/**
 * Calcium and efficacy of synapse `s` at time `t_ms` ≥ its last event, without changing the world
 * (for readouts). Throws if noise would act in between (calcium above a threshold and σ > 0).
 */
export function calciumAt(sim: Sim, s: number, t_ms: number): { c: number; rho: number } {
  const C = sim.components.Calcium
  const q = C.rule[s] ?? 0
  if (q === 0) throw new Error(`calciumAt: synapse ${s} has no calcium rule`)
  const r = sim.params.calciumRules[q]!
  const T = sim.components.CalciumTimes
  const last = Math.max(T.lastPre_ms[sim.components.Synapse.pre[s]!]!, T.lastPost_ms[sim.components.Synapse.post[s]!]!)
  const h = t_ms - last
  if (!(h >= 0)) throw new Error(`calciumAt: time ${t_ms} ms is before the synapse's last event (${last} ms)`)
  const c0 = C.c[s]!
  if (r.sigma > 0 && c0 > Math.min(r.thetaD, r.thetaP))
    throw new Error(`calciumAt: synapse ${s} still has calcium above threshold, so its efficacy is random until ${last + r.tauCa_ms * log(c0 / Math.min(r.thetaD, r.thetaP))} ms`)
  return { c: c0 * exp(-h / r.tauCa_ms), rho: advanceRho(r, c0, C.rho[s]!, h, undefined) }
}
