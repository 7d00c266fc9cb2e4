/**
 * Calcium-based synaptic plasticity (Graupner & Brunel 2012): the per-synapse calcium / efficacy
 * state and the rule records (`params.calciumRules`). Dynamics: systems/calciumPlasticity.ts
 * (event-driven simulation) and systems/calciumMeanField.ts (the paper's analytic prediction).
 *
 * Calcium (per synapse, dimensionless, the "simplified calcium model" of the paper):
 *   dc/dt = −c/τ_Ca + C_pre Σ_i δ(t − t_i − D) + C_post Σ_j δ(t − t_j)
 *   t_i: presynaptic somatic spikes (the influx arrives D later), t_j: postsynaptic somatic spikes.
 * Efficacy ρ (per synapse, 0 = DOWN, 1 = UP; Graupner & Brunel 2012, eq. 1):
 *   τ dρ/dt = −ρ(1 − ρ)(ρ* − ρ) + γ_p (1 − ρ) Θ[c − θ_p] − γ_d ρ Θ[c − θ_d] + Noise(t)
 *   Noise(t) = σ √τ √(Θ[c − θ_d] + Θ[c − θ_p]) η(t)        (η: Gaussian white noise)
 * The cubic term makes ρ bistable (stable at 0 and 1, unstable at ρ*); calcium above θ_d pulls ρ
 * down at rate γ_d, above θ_p up at rate γ_p; noise acts only while calcium is above a threshold.
 * Synaptic weight (the paper's two-state strength, w1 = b · w0, linear in between):
 *   w = w0 · (1 + (b − 1) · ρ),   ρ clipped to [0, 1] for the weight only
 * w0 is per synapse and implicit: each calcium event rescales `Synapse.weight` by
 * g(ρ_new)/g(ρ_old), g(ρ) = 1 + (b − 1)·clip(ρ), so a synapse given weight w at efficacy ρ0 has
 * w0 = w / g(ρ0), and other changes of the weight (scaling, drugs) compose with the rule's.
 * Change in synaptic strength of a population with a fraction β initially DOWN (ρ = 0) and 1 − β
 * UP (ρ = 1), after the protocol has settled (ρ > ρ* ends UP, else DOWN; U = P(DOWN→UP),
 * D = P(UP→DOWN)):
 *   w_after / w_before = [β(1 − U) + (1 − β) D + (β U + (1 − β)(1 − D)) · b] / (β + (1 − β) b)
 *
 * | rule field | unit | meaning                                                               |
 * |------------|------|-----------------------------------------------------------------------|
 * | name       | –    | unique; synapses may pick a rule by name                              |
 * | tauCa_ms   | ms   | τ_Ca, calcium decay time constant                                     |
 * | Cpre       | –    | calcium jump per presynaptic spike (arriving D after it)              |
 * | Cpost      | –    | calcium jump per postsynaptic spike                                   |
 * | thetaD     | –    | θ_d, depression threshold                                             |
 * | thetaP     | –    | θ_p, potentiation threshold                                           |
 * | gammaD     | –    | γ_d, depression rate (per τ)                                          |
 * | gammaP     | –    | γ_p, potentiation rate (per τ)                                        |
 * | sigma      | –    | σ, noise amplitude (0: deterministic)                                 |
 * | tau_ms     | ms   | τ, time constant of the efficacy                                      |
 * | rhoStar    | –    | ρ*, unstable fixed point (boundary of the basins of attraction)       |
 * | D_ms       | ms   | delay of the presynaptically evoked calcium influx                    |
 * | beta       | –    | β, fraction of synapses initially DOWN (for w_after/w_before)         |
 * | b          | –    | w1 / w0, UP/DOWN weight ratio                                         |
 *
 * Published parameter sets (Graupner & Brunel 2012, Table S1 / Figs. 2–4; same numbers in the
 * authors' public code). ρ* = 0.5 in all of them.
 * | name                | τ_Ca (ms) | C_pre    | C_post   | θ_d | θ_p | γ_d      | γ_p      | σ      | τ (s)    | D (ms)  | β   | b       |
 * |---------------------|-----------|----------|----------|-----|-----|----------|----------|--------|----------|---------|-----|---------|
 * | DP                  | 20        | 1        | 2        | 1   | 1.3 | 200      | 321.808  | 2.8284 | 150      | 13.7    | 0.5 | 5       |
 * | DPD                 | 20        | 0.9      | 0.9      | 1   | 1.3 | 250      | 550      | 2.8284 | 150      | 4.6     | 0.5 | 5       |
 * | DPDprime (DPD′)     | 20        | 1        | 2        | 1   | 2.5 | 50       | 600      | 2.8284 | 150      | 2.2     | 0.5 | 5       |
 * | P                   | 20        | 2        | 2        | 1   | 1.3 | 160      | 257.447  | 2.8284 | 150      | 0       | 0.5 | 5       |
 * | D                   | 20        | 0.6      | 0.6      | 1   | 1.3 | 500      | 550      | 5.6568 | 150      | 0       | 0.5 | 5       |
 * | Dprime (D′)         | 20        | 1        | 2        | 1   | 3.5 | 60       | 600      | 2.8284 | 150      | 0       | 0.5 | 5       |
 * | hippocampalSlices   | 48.8373   | 1        | 0.275865 | 1   | 1.3 | 313.0965 | 1645.59  | 9.1844 | 688.355  | 18.8008 | 0.7 | 5.28145 |
 * | hippocampalCultures | 11.9536   | 0.58156  | 1.76444  | 1   | 1.3 | 61.141   | 113.6545 | 2.5654 | 33.7596  | 10      | 0.5 | 36.0263 |
 * | corticalSlices      | 22.6936   | 0.5617539| 1.23964  | 1   | 1.3 | 331.909  | 725.085  | 3.3501 | 346.3615 | 4.6098  | 0.5 | 5.40988 |
 * Fits: hippocampal slices to Wittenberg & Wang (2006), hippocampal cultures to Bi & Poo (1998),
 * cortical slices to Sjöström, Turrigiano & Nelson (2001).
 *
 * References:
 *   Graupner M, Brunel N (2012) Calcium-based plasticity model explains sensitivity of synaptic
 *     changes to spike pattern, rate, and dendritic location. PNAS 109:3991.
 *     doi:10.1073/pnas.1109359109
 *   Higgins D, Graupner M, Brunel N (2014) Memory maintenance in synapses with calcium-based
 *     plasticity in the presence of background activity. PLoS Comput Biol 10:e1003834.
 *     doi:10.1371/journal.pcbi.1003834 (event-driven treatment between spikes)
 *   Shouval HZ, Bear MF, Cooper LN (2002) PNAS 99:10831 (calcium control hypothesis)
 */
import type { StoreSpec } from '../src/engine/store.ts'

/**
 * Per synapse (a synapse store): rule, and calcium and efficacy just after the synapse's last
 * event. f32: a synapse store is paid for by every synapse of a world (snapshots, memory), and 9
 * bytes keep it small; f32's 6·10⁻⁸ relative precision is far below the model's noise.
 */
export const CalciumSpec = {
  rule: 'u8', // 0: none, else index into params.calciumRules
  c: 'f32', // calcium just after the last event
  rho: 'f32', // efficacy just after the last event
} as const satisfies StoreSpec

/**
 * Per neuron (a bitecs component on every neuron at either end of a calcium synapse): when its
 * synapses last had an event. A synapse's events are exactly the influxes arriving from its
 * presynaptic neuron and the spikes of its postsynaptic neuron, so its last event was at
 * max(lastPre_ms[pre], lastPost_ms[post]) — one time per neuron instead of one per synapse.
 */
export const CalciumTimesSpec = {
  lastPre_ms: 'f64', // arrival time of this neuron's last presynaptic calcium influx
  lastPost_ms: 'f64', // time of this neuron's last spike counted as postsynaptic
} as const satisfies StoreSpec

export interface CalciumRule {
  name: string
  tauCa_ms: number
  Cpre: number
  Cpost: number
  thetaD: number
  thetaP: number
  gammaD: number
  gammaP: number
  sigma: number
  tau_ms: number
  rhoStar: number
  D_ms: number
  beta: number
  b: number
}

export const MAX_CALCIUM_RULES = 256

const gb = (
  name: string, tauCa_ms: number, Cpre: number, Cpost: number, thetaD: number, thetaP: number, gammaD: number,
  gammaP: number, sigma: number, tau_s: number, D_ms: number, beta: number, b: number,
): CalciumRule => ({ name, tauCa_ms, Cpre, Cpost, thetaD, thetaP, gammaD, gammaP, sigma, tau_ms: tau_s * 1000, rhoStar: 0.5, D_ms, beta, b })

/** Published sets (table above). Index 0 is the placeholder "none" (no calcium plasticity). */
export const CALCIUM_RULES: readonly CalciumRule[] = [
  gb('none', 20, 0, 0, 1, 1.3, 0, 0, 0, 150, 0, 0.5, 1),
  gb('DP', 20, 1, 2, 1, 1.3, 200, 321.808, 2.8284, 150, 13.7, 0.5, 5),
  gb('DPD', 20, 0.9, 0.9, 1, 1.3, 250, 550, 2.8284, 150, 4.6, 0.5, 5),
  gb('DPDprime', 20, 1, 2, 1, 2.5, 50, 600, 2.8284, 150, 2.2, 0.5, 5),
  gb('P', 20, 2, 2, 1, 1.3, 160, 257.447, 2.8284, 150, 0, 0.5, 5),
  gb('D', 20, 0.6, 0.6, 1, 1.3, 500, 550, 5.6568, 150, 0, 0.5, 5),
  gb('Dprime', 20, 1, 2, 1, 3.5, 60, 600, 2.8284, 150, 0, 0.5, 5),
  gb('hippocampalSlices', 48.8373, 1, 0.275865, 1, 1.3, 313.0965, 1645.59, 9.1844, 688.355, 18.8008, 0.7, 5.28145),
  gb('hippocampalCultures', 11.9536, 0.58156, 1.76444, 1, 1.3, 61.141, 113.6545, 2.5654, 33.7596, 10, 0.5, 36.0263),
  gb('corticalSlices', 22.6936, 0.5617539, 1.23964, 1, 1.3, 331.909, 725.085, 3.3501, 346.3615, 4.6098, 0.5, 5.40988),
]

const KEYS = ['name', 'tauCa_ms', 'Cpre', 'Cpost', 'thetaD', 'thetaP', 'gammaD', 'gammaP', 'sigma', 'tau_ms', 'rhoStar', 'D_ms', 'beta', 'b']

/** Throw a clear message (prefixed by `where`) if `r` is not a valid calcium rule. */
export function validateCalciumRule(r: unknown, where: string): asserts r is CalciumRule {
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}`)
  }
  if (typeof r !== 'object' || r === null || Array.isArray(r)) fail('expected a rule object')
  const o = r as Record<string, unknown>
  for (const k of Object.keys(o)) if (o[k] !== undefined && !KEYS.includes(k)) fail(`unknown field "${k}" (fields: ${KEYS.join(', ')})`)
  if (typeof o.name !== 'string' || o.name === '') fail('name must be a non-empty string')
  const num = (k: string, ok: (v: number) => boolean, what: string) => {
    const v = o[k]
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) fail(`${k} must be a finite number ${what}, got ${JSON.stringify(v)}`)
  }
  const pos = (v: number) => v > 0
  const nonneg = (v: number) => v >= 0
  num('tauCa_ms', pos, '> 0')
  num('tau_ms', pos, '> 0')
  num('thetaD', pos, '> 0')
  num('thetaP', pos, '> 0')
  for (const k of ['Cpre', 'Cpost', 'gammaD', 'gammaP', 'sigma', 'D_ms']) num(k, nonneg, '≥ 0')
  num('rhoStar', (v) => v > 0 && v < 1, 'in (0, 1)')
  num('beta', (v) => v >= 0 && v <= 1, 'in [0, 1]')
  num('b', pos, '> 0')
}

/** Check a whole rule list: a list, at most MAX_CALCIUM_RULES, entry 0 named "none", valid, unique names. */
export function validateCalciumRules(rules: unknown): asserts rules is CalciumRule[] {
  if (!Array.isArray(rules)) throw new Error('params.calciumRules must be a list of calcium rules')
  if (rules.length > MAX_CALCIUM_RULES)
    throw new Error(`params.calciumRules has ${rules.length} rules; at most ${MAX_CALCIUM_RULES} fit a synapse's u8 index`)
  const names = new Set<string>()
  rules.forEach((r, i) => {
    const label = `params.calciumRules[${i}]${typeof r?.name === 'string' ? ` "${r.name}"` : ''}`
    if (i === 0) {
      if (r?.name !== 'none') throw new Error(`${label}: entry 0 must be the placeholder named "none" (rule index 0 means no calcium plasticity)`)
      return
    }
    validateCalciumRule(r, label)
    if (names.has(r.name) || r.name === 'none') throw new Error(`${label}: the name "${r.name}" is used twice`)
    names.add(r.name)
  })
}

/** The index of a rule given by index or name (0 / "none": no calcium plasticity). */
export function calciumRuleIndex(rules: readonly CalciumRule[] | undefined, rule: number | string): number {
  const list = rules ?? []
  if (typeof rule === 'number') {
    if (!Number.isInteger(rule) || rule < 0 || rule >= Math.max(1, list.length))
      throw new Error(`unknown calcium rule index ${rule} (params.calciumRules has ${list.length} rules: ${list.map((r) => r.name).join(', ')})`)
    return rule
  }
  if (rule === 'none') return 0
  const i = list.findIndex((r) => r.name === rule)
  if (i < 1) throw new Error(`unknown calcium rule "${rule}" (rules: ${list.map((r) => r.name).join(', ')})`)
  return i
}

/** g(ρ) = 1 + (b − 1)·clip(ρ, 0, 1): the weight at efficacy ρ in units of the DOWN weight. */
export function calciumGain(rho: number, b: number): number {
  const r = rho < 0 ? 0 : rho > 1 ? 1 : rho
  return 1 + (b - 1) * r
}

/** w_after / w_before of a population (fraction β DOWN at first) given U = P(DOWN→UP), D = P(UP→DOWN). */
export function strengthChange(beta: number, b: number, up: number, down: number): number {
  return (beta * (1 - up) + (1 - beta) * down + (beta * up + (1 - beta) * (1 - down)) * b) / (beta + (1 - beta) * b)
}
