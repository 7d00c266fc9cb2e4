/**
 * Spike-timing-dependent plasticity (STDP): the per-synapse rule choice, the per-neuron spike
 * traces, and the rule records (`params.stdpRules`). The dynamics live in systems/stdp.ts.
 *
 * Traces (per neuron, not per synapse — Morrison, Diesmann & Gerstner 2008, §4.1), decaying
 * exponentially between spikes and bumped at each of the neuron's own spikes:
 *   presynaptic  r1 (τ+), r2 (τx)          postsynaptic  o1 (τ−), o2 (τy)
 *   dr/dt = −r/τ  between spikes;   at a spike:  r ← r + 1 (all-to-all)  or  r ← 1 (nearest)
 *
 * Weight change (triplet rule, Pfister & Gerstner 2006, eqs. 3–4; the pair rule is A3± = 0):
 *   presynaptic spike at t:   w ← w − o1(t) · (A2− + A3− · r2(t−ε)) · g−(w)                (depression)
 *   postsynaptic spike at t:  w ← w + r1(t) · (A2+ + A3+ · o2(t−ε)) · g+(w)                (potentiation)
 *   then w is clipped to [0, w_max] (hard bounds).
 * "t−ε": a spike's own increment is not seen by the update it causes (traces are read before this
 * step's increments). For one pre and one post spike (pair rule, additive, away from the bounds)
 * this gives the classic window (Bi & Poo 1998; Song, Miller & Abbott 2000), Δt = t_post − t_pre:
 *   Δw = +A+ · e^(−Δt/τ+)  for Δt > 0,     Δw = −A− · e^(Δt/τ−)  for Δt < 0,
 *   Δw = 0 for Δt = 0 (spikes in the same step do not pair; see systems/stdp.ts for the order).
 *
 * Weight dependence (amplitudes are in weight units; g is dimensionless):
 *   additive        g+(w) = 1,                  g−(w) = 1                (Song, Miller & Abbott 2000)
 *   multiplicative  g+(w) = (w_max − w)/w_max,  g−(w) = w/w_max          (soft bounds; Rubin, Lee &
 *                   Sompolinsky 2001; Gütig et al. 2003 with μ = 1; van Rossum, Bi & Turrigiano 2000
 *                   use the multiplicative depression term)
 * Both agree at the bound each term pushes away from (potentiation at w = 0, depression at w_max).
 *
 * Pairing: all-to-all (every pre spike pairs with every post spike, traces add) or nearest
 * (symmetric nearest-spike: traces saturate at 1, so each spike pairs only with the most recent
 * spike of the other side — Morrison et al. 2008, Fig. 7; Pfister & Gerstner 2006, "nearest spike").
 *
 * Timing: Δt is between *somatic* spike times. Axonal and synaptic delays do not shift the STDP
 * window (NEST's `stdp_synapse` uses the dendritic delay; Brian2 examples often use arrival times).
 *
 * Limits: traces belong to neurons, so all plastic synapses of a world that are in use must share
 * τ+, τ− and the pairing scheme, and those whose rule reads r2 (A3− ≠ 0) or o2 (A3+ ≠ 0) must share
 * τx / τy. systems/stdp.ts refuses a world that mixes them, naming the two rules.
 *
 * | rule field        | unit | meaning                                                              |
 * |-------------------|------|----------------------------------------------------------------------|
 * | name              | –    | unique; synapses may pick a rule by name                             |
 * | kind              | –    | 'pair' or 'triplet'                                                  |
 * | Aplus, Aminus     | weight | pair amplitudes A2+, A2− (≥ 0; depression subtracts)               |
 * | A3plus, A3minus   | weight | triplet amplitudes (triplet only)                                  |
 * | tauPlus_ms        | ms   | τ+ of presynaptic trace r1                                           |
 * | tauMinus_ms       | ms   | τ− of postsynaptic trace o1                                          |
 * | tauX_ms, tauY_ms  | ms   | τx of r2, τy of o2 (triplet only)                                    |
 * | weightDependence  | –    | 'additive' or 'multiplicative'                                       |
 * | pairing           | –    | 'allToAll' or 'nearest'                                              |
 * | wMax              | weight | upper bound (lower bound 0); same units as Synapse.weight          |
 *
 * Presets (`STDP_RULES`; index 0 is the placeholder "none" = no plasticity):
 * | name                     | kind    | A2+     | A3+    | A2−     | A3−     | τ+ / τ− (ms) | τx / τy (ms) | pairing  | source |
 * |--------------------------|---------|---------|--------|---------|---------|--------------|--------------|----------|--------|
 * | additive                 | pair    | 0.005   | –      | 0.00525 | –       | 20 / 20      | –            | allToAll | Song et al. 2000 (A−/A+ = 1.05) |
 * | multiplicative           | pair    | 0.005   | –      | 0.00525 | –       | 20 / 20      | –            | allToAll | same, soft bounds (Gütig et al. 2003, μ = 1) |
 * | additiveNearest          | pair    | 0.005   | –      | 0.00525 | –       | 20 / 20      | –            | nearest  | same, nearest-spike |
 * | tripletVisualFull        | triplet | 5e−10   | 6.2e−3 | 7e−3    | 2.3e−4  | 16.8 / 33.7  | 101 / 125    | allToAll | P&G 2006 Table 3 (visual cortex, Sjöström et al. 2001), full |
 * | tripletVisualMinimal     | triplet | 0       | 6.5e−3 | 7.1e−3  | 0       | 16.8 / 33.7  | – / 114      | allToAll | P&G 2006 Table 3, minimal |
 * | tripletHippoMinimal      | triplet | 5.3e−3  | 8e−3   | 3.5e−3  | 0       | 16.8 / 33.7  | – / 40       | allToAll | P&G 2006 Table 4 (hippocampal cultures, Wang et al. 2005), minimal |
 * | tripletHippoNearestMinimal | triplet | 4.6e−3 | 9.1e−3 | 3e−3   | 0       | 16.8 / 33.7  | – / 48       | nearest  | P&G 2006 Table 4, nearest-spike minimal |
 * | songAbbott2000           | pair    | 7.5e−4  | –      | 7.875e−4| –       | 20 / 20      | –            | allToAll | Song et al. 2000 in nS: g_max = 0.015·g_L = 0.15 nS (g_L = 10 nS), A+ = 0.005·g_max, A− = 1.05·A+ |
 * τ+ = 16.8 ms and τ− = 33.7 ms are Bi & Poo's (2001) fits, fixed in every row of Pfister &
 * Gerstner. Where A3− = 0, τx is never read (101 ms is kept as a harmless placeholder). The
 * amplitudes are per pairing on a weight scale of 1 (Song et al.: A+ = 0.005 · g_max with
 * g_max = 1); for a scene whose weights are in other units, scale Aplus/Aminus/A3plus/A3minus and
 * wMax together.
 *
 * References:
 *   Bi G-q, Poo M-m (1998) J Neurosci 18:10464. doi:10.1523/JNEUROSCI.18-24-10464.1998
 *   Song S, Miller KD, Abbott LF (2000) Nat Neurosci 3:919. doi:10.1038/78829
 *   van Rossum MCW, Bi G-q, Turrigiano GG (2000) J Neurosci 20:8812. doi:10.1523/JNEUROSCI.20-23-08812.2000
 *   Rubin J, Lee DD, Sompolinsky H (2001) Phys Rev Lett 86:364. doi:10.1103/PhysRevLett.86.364
 *   Gütig R, Aharonov R, Rotter S, Sompolinsky H (2003) J Neurosci 23:3697
 *   Pfister J-P, Gerstner W (2006) J Neurosci 26:9673. doi:10.1523/JNEUROSCI.1425-06.2006
 *   Morrison A, Diesmann M, Gerstner W (2008) Biol Cybern 98:459. doi:10.1007/s00422-008-0233-1
 *   Sjöström PJ, Turrigiano GG, Nelson SB (2001) Neuron 32:1149. doi:10.1016/S0896-6273(01)00542-6
 */
import type { StoreSpec } from '../src/engine/store.ts'

/** Per synapse: which rule of `params.stdpRules` applies (0 = none). A synapse store. */
export const PlasticitySpec = {
  rule: 'u8',
} as const satisfies StoreSpec

/**
 * Per neuron: spike traces (dimensionless). A bitecs component, present on every neuron that is
 * the pre- or postsynaptic end of a plastic synapse (added by `setStdpRule`).
 */
export const StdpTraceSpec = {
  r1: 'f64', // presynaptic, τ+
  r2: 'f64', // presynaptic, τx (triplet)
  o1: 'f64', // postsynaptic, τ−
  o2: 'f64', // postsynaptic, τy (triplet)
} as const satisfies StoreSpec

export type StdpKind = 'pair' | 'triplet'
export type WeightDependence = 'additive' | 'multiplicative'
export type Pairing = 'allToAll' | 'nearest'

export interface StdpRule {
  name: string
  kind: StdpKind
  Aplus: number
  Aminus: number
  A3plus?: number
  A3minus?: number
  tauPlus_ms: number
  tauMinus_ms: number
  tauX_ms?: number
  tauY_ms?: number
  weightDependence: WeightDependence
  pairing: Pairing
  wMax: number
}

/** Maximum number of rules (the per-synapse index is a u8). */
export const MAX_STDP_RULES = 256

const pair = (name: string, weightDependence: WeightDependence, pairing: Pairing): StdpRule => ({
  name, kind: 'pair', Aplus: 0.005, Aminus: 0.00525, tauPlus_ms: 20, tauMinus_ms: 20, weightDependence, pairing, wMax: 1,
})
const triplet = (name: string, A: [number, number, number, number], tauX_ms: number, tauY_ms: number, pairing: Pairing): StdpRule => ({
  name, kind: 'triplet', Aplus: A[0], A3plus: A[1], Aminus: A[2], A3minus: A[3],
  tauPlus_ms: 16.8, tauMinus_ms: 33.7, tauX_ms, tauY_ms, weightDependence: 'additive', pairing, wMax: 1,
})

/** Published rules (see the table above). Index 0 is the "none" placeholder. */
export const STDP_RULES: readonly StdpRule[] = [
  { name: 'none', kind: 'pair', Aplus: 0, Aminus: 0, tauPlus_ms: 20, tauMinus_ms: 20, weightDependence: 'additive', pairing: 'allToAll', wMax: 1 },
  pair('additive', 'additive', 'allToAll'),
  pair('multiplicative', 'multiplicative', 'allToAll'),
  pair('additiveNearest', 'additive', 'nearest'),
  triplet('tripletVisualFull', [5e-10, 6.2e-3, 7e-3, 2.3e-4], 101, 125, 'allToAll'),
  triplet('tripletVisualMinimal', [0, 6.5e-3, 7.1e-3, 0], 101, 114, 'allToAll'),
  triplet('tripletHippoMinimal', [5.3e-3, 8e-3, 3.5e-3, 0], 101, 40, 'allToAll'),
  triplet('tripletHippoNearestMinimal', [4.6e-3, 9.1e-3, 3e-3, 0], 101, 48, 'nearest'),
  // Song, Miller & Abbott (2000) in nS for a membrane with g_L = 10 nS: g_max = 0.015 g_L = 0.15 nS,
  // A+ = 0.005 g_max, A− = 1.05 A+ (scenes/songAbbott.ts).
  { ...pair('songAbbott2000', 'additive', 'allToAll'), Aplus: 0.005 * 0.15, Aminus: 1.05 * 0.005 * 0.15, wMax: 0.15 },
]

const PAIR_KEYS = ['name', 'kind', 'Aplus', 'Aminus', 'tauPlus_ms', 'tauMinus_ms', 'weightDependence', 'pairing', 'wMax']
const TRIPLET_KEYS = [...PAIR_KEYS, 'A3plus', 'A3minus', 'tauX_ms', 'tauY_ms']

/** Throw a clear message (prefixed by `where`, e.g. `params.stdpRules[2] "x"`) if `r` is not a valid rule. */
export function validateStdpRule(r: unknown, where: string): asserts r is StdpRule {
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}`)
  }
  if (typeof r !== 'object' || r === null || Array.isArray(r)) fail('expected a rule object')
  const o = r as Record<string, unknown>
  if (typeof o.name !== 'string' || o.name === '') fail('name must be a non-empty string')
  if (o.kind !== 'pair' && o.kind !== 'triplet') fail(`kind must be "pair" or "triplet", got ${JSON.stringify(o.kind)}`)
  const keys = o.kind === 'triplet' ? TRIPLET_KEYS : PAIR_KEYS
  for (const k of Object.keys(o)) {
    if (o[k] === undefined || keys.includes(k)) continue
    fail(TRIPLET_KEYS.includes(k) ? `${k} is a triplet parameter, but kind is "pair"` : `unknown field "${k}" (fields: ${keys.join(', ')})`)
  }
  const amplitude = (k: string) => {
    const v = o[k]
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      fail(`${k} must be a finite number ≥ 0 (a magnitude; depression subtracts), got ${JSON.stringify(v)}`)
  }
  const positive = (k: string) => {
    const v = o[k]
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(`${k} must be a finite number > 0, got ${JSON.stringify(v)}`)
  }
  amplitude('Aplus')
  amplitude('Aminus')
  positive('tauPlus_ms')
  positive('tauMinus_ms')
  if (o.kind === 'triplet') {
    amplitude('A3plus')
    amplitude('A3minus')
    positive('tauX_ms')
    positive('tauY_ms')
  }
  if (o.weightDependence !== 'additive' && o.weightDependence !== 'multiplicative')
    fail(`weightDependence must be "additive" or "multiplicative", got ${JSON.stringify(o.weightDependence)}`)
  if (o.pairing !== 'allToAll' && o.pairing !== 'nearest') fail(`pairing must be "allToAll" or "nearest", got ${JSON.stringify(o.pairing)}`)
  positive('wMax')
}

/** Check a whole rule list: a list, at most MAX_STDP_RULES, entry 0 named "none", valid entries, unique names. */
export function validateStdpRules(rules: unknown): asserts rules is StdpRule[] {
  if (!Array.isArray(rules)) throw new Error('params.stdpRules must be a list of STDP rules')
  if (rules.length > MAX_STDP_RULES) throw new Error(`params.stdpRules has ${rules.length} rules; at most ${MAX_STDP_RULES} fit a synapse's u8 index`)
  const names = new Set<string>()
  rules.forEach((r, i) => {
    const label = `params.stdpRules[${i}]${typeof r?.name === 'string' ? ` "${r.name}"` : ''}`
    if (i === 0) {
      if (r?.name !== 'none') throw new Error(`${label}: entry 0 must be the placeholder named "none" (rule index 0 means no plasticity)`)
      return
    }
    validateStdpRule(r, label)
    if (names.has(r.name) || r.name === 'none') throw new Error(`${label}: the name "${r.name}" is used twice`)
    names.add(r.name)
  })
}

/** The index of a rule given by index or name (0 / "none": no plasticity); throws a clear message. */
export function stdpRuleIndex(rules: readonly StdpRule[] | undefined, rule: number | string): number {
  const list = rules ?? []
  if (typeof rule === 'number') {
    if (!Number.isInteger(rule) || rule < 0 || rule >= Math.max(1, list.length))
      throw new Error(`unknown STDP rule index ${rule} (params.stdpRules has ${list.length} rules: ${list.map((r) => r.name).join(', ')})`)
    return rule
  }
  if (rule === 'none') return 0
  const i = list.findIndex((r) => r.name === rule)
  if (i < 1) throw new Error(`unknown STDP rule "${rule}" (rules: ${list.map((r) => r.name).join(', ')})`)
  return i
}
