/**
 * Calcium control of bidirectional plasticity (Shouval, Bear & Cooper 2002) on every synapse whose
 * `CalciumControl.rule` is not 0. Model, equations, parameter table and references:
 * components/calciumControl.ts; the per-step functions: systems/calciumControlMath.ts.
 *
 * Cost is proportional to the synapses that are doing something. A synapse is *active* from the
 * arrival of glutamate (a presynaptic spike, `delaySteps` after it, when the synapse's NMDA
 * receptors bind) until its NMDAR gating g_f + g_s < 10⁻³ and its calcium < 10⁻³ µM; then both are
 * set to 0 and the synapse leaves the active list. Only active synapses are integrated, each step:
 *   spine voltage V = v_mV[post] + BPAP(post's latest spikes),  gating decay, calcium, W (Euler),
 *   Synapse.weight ← Synapse.weight · W_new / W_old   (= w0 · W when nothing else touches the weight;
 *   consolidation, homeostatic scaling and a scenario's `set` compose with it multiplicatively).
 * Dropping 10⁻³ of gating changes the steady calcium it would drive by < 10⁻² µM even at −20 mV
 * (G B(V)(V_r − V) τ_Ca ≈ 7.7 µM per unit gating there), far below α1 = 0.35 µM, and Ω(10⁻³ µM) equals
 * Ω(0) to 10⁻¹²; η differs from η(0) by < 10 %, which acts on the 3-hour resting relaxation only.
 * Inactive synapses relax at rest, exactly, in the slow pipeline (`calciumControlRest`, every slow
 * tick, over the slow time of the tick — also under `advance`): W ← W* + (W − W*) e^(−λη(0)h).
 * A synapse active during part of a tick misses the resting relaxation for the rest of that tick
 * (at most λη(0)·1 s ≈ 10⁻⁴ of its distance to W*).
 * Fast-forward (`advance`, sleep: slow ticks without fast steps): synapses still active when it
 * starts would otherwise keep their gating/calcium, skip every tick's relaxation and miss hours of
 * it. At the first fast-forward tick each one's remaining transient is finished instead (the same
 * step as below, at the rule's rest V = −65 mV (Shouval et al.'s V_rest; nothing spikes in a
 * fast-forward, so no BPAP), until it is at rest, at most 20 s), then it leaves the active list and
 * relaxes with the others (reviewer fix 2026-11-23).
 *
 * Arrivals in flight live in `sim.state.calciumControl.pending` (flat [arrival step, synapse] pairs,
 * ascending step, equal steps in synapse order) so they are in snapshots and the state hash. Per
 * step, after propagation: (1) postsynaptic spikes of this step update their neurons' spike times
 * (BPAP), (2) this step's presynaptic spikes queue their synapses' arrivals, (3) arrivals due now
 * bind glutamate, (4) every active synapse is advanced one step.
 *
 * Drugs (systems/drugs.ts): calcium influx × nmdaGain (APV abolishes it, so neither LTP nor LTD is
 * induced), the potentiation branch of Ω × camkii (KN-93). Metaplasticity: influx × the postsynaptic
 * neuron's `CalciumControlNeuron.nmdaScale` (1, or set by the BCM sliding threshold, systems/bcm.ts).
 *
 * Rules: `params.calciumControlRules` is read every step, so a rule edited in place (a scenario, a
 * drug model) acts from the next step; the list is validated when first used and whenever it is
 * replaced (values edited in place are not re-checked). The BPAP is that of the neuron's latest
 * spike (the one before it while the latest has not yet reached the spine), as in the paper.
 *
 * Determinism: no random numbers; each synapse is updated independently of the others, so the order
 * of the active list (which differs after a snapshot load, where it is rebuilt in id order from the
 * stores: a synapse is active iff its gating or calcium is non-zero) does not change any result.
 *
 * References: Shouval HZ, Bear MF, Cooper LN (2002) PNAS 99:10831. doi:10.1073/pnas.152343099
 */
import { hasComponent } from 'bitecs'
import type { Sim } from '../src/engine/world.ts'
import { joinComponent } from '../src/engine/entities.ts'
import { adjacency, maxEntityId } from '../src/engine/adjacency.ts'
import { ensure, isActive } from '../src/engine/store.ts'
import { exp } from '../src/engine/detmath.ts'
import { drugEffects } from './drugs.ts'
import { bpap_mV, eta_per_s, nmdaDrive, omega, stepDecays, stepSynapse, type SynapseState } from './calciumControlMath.ts'
import { calciumControlRuleIndex, validateCalciumControlRules, CALCIUM_CONTROL_RULES, type CalciumControlRule } from '../components/calciumControl.ts'

/** Gating and calcium below which a synapse is at rest (see the header). */
export const GATING_REST = 1e-3
export const CALCIUM_REST_uM = 1e-3

interface Cache {
  stale: boolean
  rebuilds: number
  rows: number
  /** Live synapses under a rule, ascending. */
  all: Uint32Array
  /** Rule synapses per presynaptic neuron (CSR over adjacency out-rows). */
  outStart: Uint32Array
  outSyn: Uint32Array
  active: number[]
  isActive: Uint8Array
  rulesChecked: unknown
}

const caches = new WeakMap<Sim, Cache>()

/** The world's rule list (worlds from before the rule existed get the published default). */
export function calciumControlRules(sim: Sim): CalciumControlRule[] {
  return (sim.params.calciumControlRules ??= CALCIUM_CONTROL_RULES.map((r) => ({ ...r })))
}

/** Resolve a rule by index or name against the world's rules; 0 = none. */
export function resolveCalciumControlRule(sim: Sim, rule: number | string): number {
  const rules = calciumControlRules(sim)
  validateCalciumControlRules(rules)
  return calciumControlRuleIndex(rules, rule)
}

/**
 * Put synapse `s` under calcium-control rule `rule` (0 / "none": off) with strength W (default the
 * resting fixed point Ω(0)/λ ≈ 0.25); its current weight becomes w0 · W. Throws, changing
 * nothing, for a dead synapse, an unknown rule, a bad W or a synapse under another plasticity rule.
 */
export function setCalciumControl(sim: Sim, s: number, rule: number | string, W?: number): void {
  const S = sim.components.Synapse
  if (!(Number.isInteger(s) && s >= 1 && s < S.alive.length && S.alive[s] === 1)) throw new Error(`setCalciumControl: ${s} is not a live synapse`)
  const q = resolveCalciumControlRule(sim, rule)
  const r = calciumControlRules(sim)[q]!
  const W0 = W ?? omega(r, 0, 1) / r.lambda
  if (!(Number.isFinite(W0) && W0 > 0)) throw new Error(`setCalciumControl: initial strength W must be a finite number > 0, got ${W0}`)
  if (q !== 0 && ((sim.components.Plasticity.rule[s] ?? 0) !== 0 || (sim.components.Calcium.rule[s] ?? 0) !== 0))
    throw new Error(`setCalciumControl: synapse ${s} is under an STDP or Graupner–Brunel rule; a synapse takes one plasticity rule`)
  ensure(sim.stores.CalciumControl, s)
  const C = sim.components.CalciumControl
  C.rule[s] = q
  C.gF[s] = 0
  C.gS[s] = 0
  C.ca_uM[s] = 0
  C.W[s] = W0
  C.w0[s] = S.weight[s]! / W0
  if (q !== 0) joinNeuron(sim, S.post[s]!)
  const c = caches.get(sim)
  if (c) c.stale = true
}

function joinNeuron(sim: Sim, n: number): void {
  const entry = sim.stores.CalciumControlNeuron
  if (!joinComponent(sim, entry, n)) return
  entry.data.spike_ms[n] = -1e9
  entry.data.prevSpike_ms[n] = -1e9
  entry.data.nmdaScale[n] = 1
}

function build(sim: Sim, old: Cache | undefined): Cache {
  const adj = adjacency(sim)
  const rule = sim.components.CalciumControl.rule
  const { alive } = sim.components.Synapse
  const top = Math.min(alive.length - 1, rule.length - 1, maxEntityId(sim))
  const all: number[] = []
  for (let s = 1; s <= top; s++) if (rule[s] !== 0 && alive[s] === 1) all.push(s)
  const C = sim.components.CalciumControl
  const isActive = new Uint8Array(top + 1)
  const active: number[] = []
  for (const s of all)
    if (C.gF[s] !== 0 || C.gS[s] !== 0 || C.ca_uM[s] !== 0) {
      isActive[s] = 1
      active.push(s)
    }
  let count = 0
  for (let k = 0; k < adj.preSyn.length; k++) if (rule[adj.preSyn[k]!]) count++
  const outStart = new Uint32Array(adj.rows + 1)
  const outSyn = new Uint32Array(count)
  let j = 0
  for (let n = 0; n < adj.rows; n++) {
    outStart[n] = j
    for (let k = adj.preStart[n]!; k < adj.preStart[n + 1]!; k++) if (rule[adj.preSyn[k]!] && alive[adj.preSyn[k]!]) outSyn[j++] = adj.preSyn[k]!
  }
  outStart[adj.rows] = j
  const c: Cache = {
    stale: false, rebuilds: adj.rebuilds, rows: adj.rows, all: Uint32Array.from(all), outStart, outSyn: outSyn.subarray(0, j),
    active, isActive, rulesChecked: old?.rulesChecked,
  }
  caches.set(sim, c)
  return c
}

function cacheFor(sim: Sim): Cache | undefined {
  // No synapse has ever used the rule: its store is unallocated (src/engine/store.ts), nothing to scan.
  if (!isActive(sim.stores.CalciumControl)) return undefined
  let c = caches.get(sim)
  if (c !== undefined && !c.stale && c.all.length === 0) return undefined
  if (c === undefined || c.stale) c = build(sim, c)
  if (c.all.length === 0) return undefined
  const adj = adjacency(sim)
  if (c.rebuilds !== adj.rebuilds || c.rows !== adj.rows) c = build(sim, c)
  return c
}

function rulesOf(sim: Sim, c: Cache): CalciumControlRule[] {
  const rules = calciumControlRules(sim)
  if (c.rulesChecked !== rules) {
    validateCalciumControlRules(rules)
    c.rulesChecked = rules
  }
  return rules
}

// ---------------------------------------------------------------------------------------------
// Fast system
// ---------------------------------------------------------------------------------------------

export function calciumControl(sim: Sim): void {
  const c = cacheFor(sim)
  if (c === undefined) return
  const pending = sim.state.calciumControl?.pending
  const count = sim.spikes.count
  if (count === 0 && c.active.length === 0 && (pending === undefined || pending.length === 0)) return
  const rules = rulesOf(sim, c)
  const step = sim.time.step
  const dt = sim.time.dt_ms
  const t = step * dt
  const C = sim.components.CalciumControl
  const Syn = sim.components.Synapse
  if (count > 0) {
    const ids = sim.spikes.ids
    // (1) postsynaptic spike times (BPAP)
    const P = sim.components.CalciumControlNeuron
    const comp = sim.stores.CalciumControlNeuron.data
    for (let i = 0; i < count; i++) {
      const n = ids[i]!
      if (n < P.spike_ms.length && hasComponent(sim.world, n, comp)) {
        P.prevSpike_ms[n] = P.spike_ms[n]!
        P.spike_ms[n] = t
        P.spikes[n] = P.spikes[n]! + 1
      }
    }
    // (2) presynaptic spikes queue their synapses' glutamate arrivals
    let fresh: number[] | undefined
    for (let i = 0; i < count; i++) {
      const n = ids[i]!
      if (n >= c.rows) continue
      for (let k = c.outStart[n]!; k < c.outStart[n + 1]!; k++) {
        const s = c.outSyn[k]!
        ;(fresh ??= []).push(step + Syn.delaySteps[s]!, s)
      }
    }
    if (fresh !== undefined) enqueue(sim, fresh)
  }
  // (3) arrivals due now bind glutamate
  const list = sim.state.calciumControl?.pending
  if (list !== undefined && list.length > 0 && list[0]! <= step) {
    let k = 0
    while (k < list.length && list[k]! <= step) {
      const s = list[k + 1]!
      k += 2
      const q = C.rule[s] ?? 0
      if (q === 0 || Syn.alive[s] !== 1) continue
      const r = rules[q]!
      const free = 1 - C.gF[s]! - C.gS[s]!
      if (free > 0) {
        C.gF[s] = C.gF[s]! + r.P0 * r.If * free
        C.gS[s] = C.gS[s]! + r.P0 * r.Is * free
      }
      if (s >= c.isActive.length) {
        const grown = new Uint8Array(Math.max(s + 1, 2 * c.isActive.length))
        grown.set(c.isActive)
        c.isActive = grown
      }
      if (c.isActive[s] === 0) {
        c.isActive[s] = 1
        c.active.push(s)
      }
    }
    list.splice(0, k)
  }
  // (4) integrate the active synapses
  if (c.active.length > 0) integrate(sim, c, rules, t, dt)
}

/** Merge this step's arrivals (unsorted pairs) into the pending list (ascending step, then synapse). */
function enqueue(sim: Sim, fresh: number[]): void {
  const pairs: [number, number][] = []
  for (let k = 0; k < fresh.length; k += 2) pairs.push([fresh[k]!, fresh[k + 1]!])
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const st = (sim.state.calciumControl ??= { pending: [] })
  const old = st.pending
  const out: number[] = []
  let i = 0
  let j = 0
  while (i < old.length || j < pairs.length) {
    if (j >= pairs.length || (i < old.length && (old[i]! < pairs[j]![0] || (old[i] === pairs[j]![0] && old[i + 1]! <= pairs[j]![1])))) {
      out.push(old[i]!, old[i + 1]!)
      i += 2
    } else {
      out.push(pairs[j]![0], pairs[j]![1])
      j++
    }
  }
  st.pending = out
}

function integrate(sim: Sim, c: Cache, rules: CalciumControlRule[], t: number, dt: number): void {
  const C = sim.components.CalciumControl
  const { gF, gS, ca_uM, W, w0, rule } = C
  const { post, weight, alive } = sim.components.Synapse
  const v = sim.components.Neuron.v_mV
  const P = sim.components.CalciumControlNeuron
  const fx = drugEffects(sim)
  const nmdaGain = fx.nmdaGain
  const camkii = fx.camkii
  const active = c.active
  const h = dt / 1000
  // This step's decay factors per rule (read afresh each step, so a rule edited in place acts at once).
  const decays: (Float64Array | undefined)[] = []
  let i = 0
  while (i < active.length) {
    const s = active[i]!
    const q = rule[s]!
    if (q === 0 || alive[s] !== 1) {
      // left the rule or died: drop from the active list
      gF[s] = 0
      gS[s] = 0
      ca_uM[s] = 0
      c.isActive[s] = 0
      active[i] = active[active.length - 1]!
      active.pop()
      continue
    }
    const r = rules[q]!
    const d = (decays[q] ??= stepDecays(r, dt))
    const n = post[s]!
    const V = v[n]! + bpap_mV(r, t, P.spike_ms[n]!, P.prevSpike_ms[n]!)
    const f = gF[s]! * d[0]!
    const g = gS[s]! * d[1]!
    let J = nmdaGain * P.nmdaScale[n]! * (f + g) * nmdaDrive(r, V)
    if (J < 0) J = 0
    const ca = ca_uM[s]! * d[2]! + J * r.tauCa_ms * (1 - d[2]!)
    const Wold = W[s]!
    const w = Wold + h * eta_per_s(r, ca) * (omega(r, ca, camkii) - r.lambda * Wold)
    W[s] = w
    weight[s] = rescaled(weight[s]!, w0[s]!, Wold, w)
    if (f + g < GATING_REST && ca < CALCIUM_REST_uM) {
      gF[s] = 0
      gS[s] = 0
      ca_uM[s] = 0
      c.isActive[s] = 0
      active[i] = active[active.length - 1]!
      active.pop()
      continue
    }
    gF[s] = f
    gS[s] = g
    ca_uM[s] = ca
    i++
  }
}

// ---------------------------------------------------------------------------------------------
// Slow system: resting relaxation of the inactive synapses
// ---------------------------------------------------------------------------------------------

export function calciumControlRest(sim: Sim): void {
  const c = cacheFor(sim)
  if (c === undefined) return
  const h = sim.time.slowTickDt_ms
  if (!(h > 0)) return
  const rules = rulesOf(sim, c)
  if (sim.time.fastForward && c.active.length > 0) settleActive(sim, c, rules)
  const { rule, W, w0 } = sim.components.CalciumControl
  const { weight, alive } = sim.components.Synapse
  const factor = new Map<CalciumControlRule, [number, number]>()
  for (let k = 0; k < c.all.length; k++) {
    const s = c.all[k]!
    const q = rule[s]!
    if (q === 0 || alive[s] !== 1 || (s < c.isActive.length && c.isActive[s] === 1)) continue
    const r = rules[q]!
    let fw = factor.get(r)
    if (fw === undefined) {
      // W* = Ω(0)/λ and e^(−λη(0)h) of this rule
      const Wstar = omega(r, 0, 1) / r.lambda
      fw = [Wstar, exp((-r.lambda * eta_per_s(r, 0) * h) / 1000)]
      factor.set(r, fw)
    }
    const w = fw[0] + (W[s]! - fw[0]) * fw[1]
    if (w !== W[s]) {
      weight[s] = rescaled(weight[s]!, w0[s]!, W[s]!, w)
      W[s] = w
    }
  }
}

/** Spine voltage while settling the active synapses at the start of a fast-forward (the paper's V_rest). */
export const SETTLE_V_mV = -65
const SETTLE_MAX_ms = 20000

/** Finish the calcium transient of every active synapse at rest (fast-forward; see the header). */
function settleActive(sim: Sim, c: Cache, rules: CalciumControlRule[]): void {
  const C = sim.components.CalciumControl
  const { post, weight } = sim.components.Synapse
  const scale = sim.components.CalciumControlNeuron.nmdaScale
  const fx = drugEffects(sim)
  const dt = sim.time.dt_ms
  const maxSteps = Math.ceil(SETTLE_MAX_ms / dt)
  for (const s of c.active) {
    const q = C.rule[s]!
    if (q !== 0 && sim.components.Synapse.alive[s] === 1) {
      const r = rules[q]!
      const d = stepDecays(r, dt)
      const st: SynapseState = { gF: C.gF[s]!, gS: C.gS[s]!, ca_uM: C.ca_uM[s]!, W: C.W[s]! }
      const kappa = fx.nmdaGain * scale[post[s]!]!
      for (let k = 0; k < maxSteps && !(st.gF + st.gS < GATING_REST && st.ca_uM < CALCIUM_REST_uM); k++)
        stepSynapse(r, st, SETTLE_V_mV, dt, d, kappa, fx.camkii)
      weight[s] = rescaled(weight[s]!, C.w0[s]!, C.W[s]!, st.W)
      C.W[s] = st.W
    }
    C.gF[s] = 0
    C.gS[s] = 0
    C.ca_uM[s] = 0
    c.isActive[s] = 0
  }
  c.active.length = 0
}

/** Synapses integrated this step (for tests and the view). */
export function activeCalciumControlSynapses(sim: Sim): number {
  return caches.get(sim)?.active.length ?? 0
}

/**
 * The weight after the rule moved W from `Wold` to `Wnew`: scaled by Wnew/Wold, so that what other
 * layers did to the weight (consolidation, homeostatic scaling, a scenario's `set`) is kept and
 * composes multiplicatively; w0 · Wnew when nothing else changed it (or Wold is 0).
 */
function rescaled(weight: number, w0: number, Wold: number, Wnew: number): number {
  // Untouched since the rule last wrote it (the f32 store holds fround(w0 · Wold)): w0 · Wnew
  // exactly, so the rule alone never accumulates rounding.
  if (weight === Math.fround(w0 * Wold) || !(Wold > 0)) return w0 * Wnew
  return weight * (Wnew / Wold)
}
