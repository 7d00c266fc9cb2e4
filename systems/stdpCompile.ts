/**
 * The STDP system's rule choice and its per-world cache (systems/stdp.ts has the model, the update
 * order and the hot loops; components/plasticity.ts the equations and the rule records).
 *
 * `setStdpRule` / `resolveStdpRule` put a synapse under a rule (addSynapse's `stdp` option uses
 * them). The cache holds what the system derives from the stores: the neurons carrying traces, the
 * rules in use, the plastic in-rows (adjacency in-rows filtered to rule ≠ 0, with pre and rule
 * copied alongside) and the rules compiled to flat arrays. It is rebuilt when the adjacency index
 * is, when the neuron set changes or after `setStdpRule`, and recompiled when a rule in use or dt
 * changed; everything in it is a pure function of the stores and params, so a world loaded from a
 * snapshot rebuilds it identically.
 *
 * Checks (clear messages naming the rule and field): the rule list when a synapse picks a rule;
 * every rule in use, and that rules in use agree on τ+, τ−, pairing (and τx / τy where read), when
 * they are compiled; that every plastic synapse joins two neurons with traces, when rebuilt.
 */
import { query } from 'bitecs'
import type { Sim } from '../src/engine/world.ts'
import { joinComponent } from '../src/engine/entities.ts'
import { maxEntityId, type Adjacency } from '../src/engine/adjacency.ts'
import { ensure } from '../src/engine/store.ts'
import { exp } from '../src/engine/detmath.ts'
import { MAX_STDP_RULES, stdpRuleIndex, validateStdpRule, validateStdpRules, type StdpRule } from '../components/plasticity.ts'

/** Rules in use, compiled to flat arrays indexed by rule (only indices in use are filled). */
export interface Compiled {
  Ap: Float64Array
  A3p: Float64Array
  Am: Float64Array
  A3m: Float64Array
  /** g+(w) = cP + dP·w, g−(w) = cM + dM·w */
  cP: Float64Array
  dP: Float64Array
  cM: Float64Array
  dM: Float64Array
  wMax: Float64Array
}

export interface StdpCache {
  rebuilds: number
  neuronsVersion: number
  stale: boolean
  /** Neurons carrying traces, ascending. */
  members: Uint32Array
  /** 1 for neurons carrying traces, indexed by neuron id (length = adjacency rows). */
  isMember: Uint8Array
  /** Rule indices referenced by at least one live synapse, ascending. */
  used: number[]
  /**
   * Plastic in-rows: for each neuron, its incoming plastic synapses (eids ascending, as in the
   * adjacency in-row) with their presynaptic neuron and rule alongside, so that the post-spike path
   * streams these and only the weight and r1[pre] are random accesses.
   */
  inStart: Uint32Array
  inSyn: Uint32Array
  inPre: Uint32Array
  inRule: Uint8Array
  /** Weights of one in-row, gathered before they are updated (length ≥ the longest plastic in-row). */
  scratch: Float32Array
  compiled: Compiled
  /** The rule list `compile` last checked in full (`validateStdpRules`). */
  checkedRules: unknown
  /** Per-trace decay factors and bump (x ← x·keep + inc); `use` 0 for a trace no rule in use reads. */
  use: Uint8Array
  decay: Float64Array
  keep: Float64Array
  inc: Float64Array
  /** What `compile` last compiled: dt and a copy of each rule in use (with the object it came from). */
  dt: number
  seen: (StdpRule & { ref: StdpRule })[]
}

const caches = new WeakMap<Sim, StdpCache>()
/** Indices of the four traces in the per-trace arrays of the cache. */
export const R1 = 0
export const R2 = 1
export const O1 = 2
export const O2 = 3

function newCompiled(): Compiled {
  const f = () => new Float64Array(MAX_STDP_RULES)
  return { Ap: f(), A3p: f(), Am: f(), A3m: f(), cP: f(), dP: f(), cM: f(), dM: f(), wMax: f() }
}

// ---------------------------------------------------------------------------------------------
// Choosing rules
// ---------------------------------------------------------------------------------------------

/** Resolve a rule by index or name against the world's rules, checking the rule list; 0 = none. */
export function resolveStdpRule(sim: Sim, rule: number | string): number {
  const rules = sim.params.stdpRules
  // Checked once per list and per rule object here (synapses are made by the million); edits in
  // place are checked by `compile` before they are used.
  if (!checked.has(rules)) {
    validateStdpRules(rules)
    checked.add(rules)
  }
  const q = stdpRuleIndex(rules, rule)
  if (q !== 0 && !checked.has(rules[q]!)) {
    validateStdpRule(rules[q], `params.stdpRules[${q}] "${rules[q]!.name}"`)
    checked.add(rules[q]!)
  }
  return q
}
/** Rule lists and rules already checked by `resolveStdpRule` (a pure function of their contents). */
const checked = new WeakSet<object>()

/**
 * Put synapse `s` under STDP rule `rule` (index or name; 0 / "none" switches plasticity off).
 * Its two neurons get spike traces if they have none yet (starting at 0: spikes before they joined
 * do not count). Throws, changing nothing, for a dead synapse or an unknown/invalid rule.
 */
export function setStdpRule(sim: Sim, s: number, rule: number | string): void {
  const S = sim.components.Synapse
  if (!(Number.isInteger(s) && s >= 1 && s < S.alive.length && S.alive[s] === 1)) throw new Error(`setStdpRule: ${s} is not a live synapse`)
  const q = resolveStdpRule(sim, rule)
  if (q !== 0) {
    joinTraces(sim, S.pre[s]!)
    joinTraces(sim, S.post[s]!)
  }
  ensure(sim.stores.Plasticity, s)
  sim.components.Plasticity.rule[s] = q
  const c = caches.get(sim)
  if (c) c.stale = true
}

function joinTraces(sim: Sim, n: number): void {
  joinComponent(sim, sim.stores.StdpTrace, n)
}

// ---------------------------------------------------------------------------------------------
// The cache: neurons with traces, rules in use
// ---------------------------------------------------------------------------------------------

/** The cache of `sim`, rebuilt first if synapses, rules or neurons changed. */
export function cacheFor(sim: Sim, adj: Adjacency): StdpCache {
  let c = caches.get(sim)
  if (c && !c.stale && c.rebuilds === adj.rebuilds && c.neuronsVersion === sim.indices.neurons.version && c.isMember.length === adj.rows) return c
  const prev = c
  c = {
    rebuilds: adj.rebuilds,
    neuronsVersion: sim.indices.neurons.version,
    stale: false,
    members: new Uint32Array(0),
    isMember: new Uint8Array(adj.rows),
    used: [],
    inStart: new Uint32Array(adj.rows + 1),
    inSyn: new Uint32Array(0),
    inPre: new Uint32Array(0),
    inRule: new Uint8Array(0),
    scratch: new Float32Array(0),
    compiled: prev?.compiled ?? newCompiled(),
    checkedRules: prev?.checkedRules,
    use: new Uint8Array(4),
    decay: new Float64Array(4),
    keep: new Float64Array(4),
    inc: new Float64Array(4),
    dt: Number.NaN,
    seen: [],
  }
  const T = sim.components.StdpTrace
  const members = Uint32Array.from(query(sim.world, [T])).sort()
  for (let i = 0; i < members.length; i++) if (members[i]! < adj.rows) c.isMember[members[i]!] = 1
  c.members = members
  // Rules in use, and every plastic synapse joins two neurons with traces (a snapshot could lie).
  const { alive, pre, post } = sim.components.Synapse
  const rule = sim.components.Plasticity.rule
  const top = Math.min(alive.length - 1, rule.length - 1, maxEntityId(sim))
  const used = new Uint8Array(MAX_STDP_RULES)
  for (let s = 1; s <= top; s++) {
    const q = rule[s]!
    if (q === 0 || alive[s] === 0) continue
    if (c.isMember[pre[s]!] !== 1 || c.isMember[post[s]!] !== 1)
      throw new Error(`STDP: synapse ${s} has rule ${q} but neuron ${c.isMember[pre[s]!] !== 1 ? pre[s] : post[s]} carries no spike traces`)
    used[q] = 1
  }
  for (let q = 1; q < MAX_STDP_RULES; q++) if (used[q]) c.used.push(q)
  buildInRows(c, adj, rule, pre)
  // Nothing in use: traces are zeroed once here and left alone (no decay, no bumps) until it is.
  if (c.used.length === 0) for (const f of [T.r1, T.r2, T.o1, T.o2]) for (let i = 0; i < members.length; i++) f[members[i]!] = 0
  caches.set(sim, c)
  return c
}

/** The plastic in-rows: the adjacency in-rows filtered to rule ≠ 0, with pre and rule copied alongside. */
function buildInRows(c: StdpCache, adj: Adjacency, rule: Uint8Array, pre: Uint32Array): void {
  const { postStart, postSyn } = adj
  const rows = adj.rows
  let count = 0
  // `?? 0`: an unused (short) Plasticity store reads as rule 0 (src/engine/store.ts, growWith).
  for (let k = 0; k < postSyn.length; k++) if ((rule[postSyn[k]!] ?? 0) !== 0) count++
  const inStart = new Uint32Array(rows + 1)
  const inSyn = new Uint32Array(count)
  const inPre = new Uint32Array(count)
  const inRule = new Uint8Array(count)
  let j = 0
  for (let n = 0; n < rows; n++) {
    inStart[n] = j
    for (let k = postStart[n]!; k < postStart[n + 1]!; k++) {
      const s = postSyn[k]!
      const q = rule[s] ?? 0
      if (q === 0) continue
      inSyn[j] = s
      inPre[j] = pre[s]!
      inRule[j] = q
      j++
    }
  }
  inStart[rows] = j
  let longest = 0
  for (let n = 0; n < rows; n++) longest = Math.max(longest, inStart[n + 1]! - inStart[n]!)
  c.scratch = new Float32Array(longest)
  c.inStart = inStart
  c.inSyn = inSyn
  c.inPre = inPre
  c.inRule = inRule
}

/** Compile the rules in use from params; a full check and recompile only when one of them changed. */
export function compile(sim: Sim, c: StdpCache): void {
  const rules = sim.params.stdpRules
  if (c.checkedRules !== rules) {
    validateStdpRules(rules)
    c.checkedRules = rules
    c.seen.length = 0
  }
  if (c.dt === sim.time.dt_ms && unchanged(rules, c)) return
  const used = c.used
  const last = used[used.length - 1]!
  if (last >= rules.length)
    throw new Error(`STDP: synapses use rule ${last}, but params.stdpRules has only ${rules.length} rules`)
  const K = c.compiled
  let first: StdpRule | undefined
  let xRule: StdpRule | undefined
  let yRule: StdpRule | undefined
  for (let i = 0; i < used.length; i++) {
    const q = used[i]!
    const r = rules[q]!
    validateStdpRule(r, `params.stdpRules[${q}] "${r.name}"`)
    const A3p = r.kind === 'triplet' ? r.A3plus! : 0
    const A3m = r.kind === 'triplet' ? r.A3minus! : 0
    if (!first) first = r
    else {
      agree(first, r, 'tauPlus_ms')
      agree(first, r, 'tauMinus_ms')
      agree(first, r, 'pairing')
    }
    if (A3m !== 0) {
      if (!xRule) xRule = r
      else agree(xRule, r, 'tauX_ms')
    }
    if (A3p !== 0) {
      if (!yRule) yRule = r
      else agree(yRule, r, 'tauY_ms')
    }
    const mult = r.weightDependence === 'multiplicative'
    K.Ap[q] = r.Aplus
    K.A3p[q] = A3p
    K.Am[q] = r.Aminus
    K.A3m[q] = A3m
    K.cP[q] = 1
    K.dP[q] = mult ? -1 / r.wMax : 0
    K.cM[q] = mult ? 0 : 1
    K.dM[q] = mult ? 1 / r.wMax : 0
    K.wMax[q] = r.wMax
  }
  const dt = sim.time.dt_ms
  const f = first!
  const keep = f.pairing === 'nearest' ? 0 : 1
  const T = sim.components.StdpTrace
  const traces = [T.r1, T.r2, T.o1, T.o2]
  const set = (i: number, tau: number) => {
    c.use[i] = tau > 0 ? 1 : 0
    c.decay[i] = tau > 0 ? exp(-dt / tau) : 0
    c.keep[i] = tau > 0 ? keep : 0
    c.inc[i] = tau > 0 ? 1 : 0
    // A trace no rule in use reads is held at 0 (neither decayed nor bumped), so that the state
    // does not depend on when it stopped being read.
    if (tau <= 0) traces[i]!.fill(0)
  }
  set(R1, f.tauPlus_ms)
  set(R2, xRule ? xRule.tauX_ms! : 0)
  set(O1, f.tauMinus_ms)
  set(O2, yRule ? yRule.tauY_ms! : 0)
  c.dt = dt
  c.seen = used.map((q) => ({ ...rules[q]!, ref: rules[q]! }))
}

/** The rules in use are the objects, with the values, compiled last time (a few comparisons per step). */
function unchanged(rules: StdpRule[], c: StdpCache): boolean {
  const used = c.used
  const seen = c.seen
  if (seen.length !== used.length) return false
  for (let i = 0; i < used.length; i++) {
    const r = rules[used[i]!]
    const s = seen[i]!
    if (
      r !== s.ref || r.Aplus !== s.Aplus || r.Aminus !== s.Aminus || r.A3plus !== s.A3plus || r.A3minus !== s.A3minus ||
      r.tauPlus_ms !== s.tauPlus_ms || r.tauMinus_ms !== s.tauMinus_ms || r.tauX_ms !== s.tauX_ms || r.tauY_ms !== s.tauY_ms ||
      r.wMax !== s.wMax || r.kind !== s.kind || r.weightDependence !== s.weightDependence || r.pairing !== s.pairing || r.name !== s.name
    )
      return false
  }
  return true
}

function agree(a: StdpRule, b: StdpRule, field: 'tauPlus_ms' | 'tauMinus_ms' | 'tauX_ms' | 'tauY_ms' | 'pairing'): void {
  if (a[field] !== b[field])
    throw new Error(
      `STDP rules "${a.name}" and "${b.name}" are both in use but differ in ${field} (${a[field]} vs ${b[field]}): ` +
        'spike traces are per neuron, so all plastic synapses of a world share trace time constants and pairing',
    )
}
