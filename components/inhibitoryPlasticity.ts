/**
 * Inhibitory spike-timing-dependent plasticity (iSTDP) of Vogels, Sprekeler, Zenke, Clopath &
 * Gerstner (2011): the per-synapse rule choice, the per-neuron spike trace and the rule records
 * (`params.istdpRules`). The dynamics live in systems/inhibitoryStdp.ts.
 *
 * Each neuron carries one trace x (dimensionless), bumped by 1 at each of its spikes and decaying
 * with τ_STDP between them:  dx/dt = −x/τ_STDP,  x ← x + 1 at a spike.  The rule is symmetric, so
 * the same trace serves as the presynaptic trace x_pre (of the inhibitory neuron) and as the
 * postsynaptic trace x_post (of the excitatory target).
 *
 * Weight change of an inhibitory synapse pre → post (Vogels et al. 2011, SOM eqs. 3–4):
 *   presynaptic spike:   w ← w + η (x_post − α)
 *   postsynaptic spike:  w ← w + η x_pre
 *   α = 2 ρ0 τ_STDP  (ρ0: target postsynaptic rate), then w is clipped to [0, w_max].
 * For uncorrelated pre and post trains at rates ρ_pre, ρ_post the mean drift is
 *   ⟨dw/dt⟩ = η ρ_pre (2 ρ_post τ_STDP − α) = 2 η τ_STDP ρ_pre (ρ_post − ρ0),
 * zero exactly at ρ_post = ρ0: inhibition grows while the target fires above ρ0 and shrinks below.
 * Traces are read before this step's bumps (a pre and a post spike in the same step do not pair),
 * the order of systems/stdp.ts.
 *
 * Onset: a rule changes weights only from `onset_ms` (fast time) on — Vogels et al. switch the
 * plasticity on after 1 s of the network running with weak inhibition. Traces run from the start.
 *
 * | rule field | unit        | meaning                                                  |
 * |------------|-------------|----------------------------------------------------------|
 * | name       | –           | unique; synapses pick a rule by name                     |
 * | eta        | weight      | learning rate η (weight change per unit of trace)        |
 * | rho0_Hz    | Hz          | target rate ρ0 of the postsynaptic neuron                |
 * | tau_ms     | ms          | τ_STDP of the traces                                     |
 * | wMax       | weight      | upper bound (lower bound 0); units of Synapse.weight     |
 * | onset_ms   | ms          | weights change from this fast time on                    |
 *
 * Presets (`ISTDP_RULES`; index 0 is the placeholder "none"):
 * | name       | η (nS) | ρ0 (Hz) | τ_STDP (ms) | w_max (nS) | onset | source                                    |
 * |------------|--------|---------|-------------|------------|-------|-------------------------------------------|
 * | vogels2011 | 1e−2   | 3       | 20          | 100        | 0     | Vogels et al. 2011 (SOM), weights in nS (ḡ = 1 nS per unit of w) |
 * Scenes set `onset_ms` (and ρ0) on their copy in params (scenes/vogels2011.ts).
 * All rules in use must share τ_STDP (one trace per neuron); systems/inhibitoryStdp.ts refuses others.
 *
 * References:
 *   Vogels TP, Sprekeler H, Zenke F, Clopath C, Gerstner W (2011) Inhibitory plasticity balances
 *   excitation and inhibition in sensory pathways and memory networks. Science 334:1569.
 *   doi:10.1126/science.1211095
 */
import type { StoreSpec } from '../src/engine/store.ts'

/** Per synapse: which rule of `params.istdpRules` applies (0 = none). A synapse store. */
export const InhibitoryPlasticitySpec = {
  rule: 'u8',
} as const satisfies StoreSpec

/** Per neuron: the iSTDP spike trace (bitecs component on both ends of every iSTDP synapse). */
export const IstdpTraceSpec = {
  x: 'f64',
} as const satisfies StoreSpec

export interface IstdpRule {
  name: string
  eta: number
  rho0_Hz: number
  tau_ms: number
  wMax: number
  onset_ms: number
}

export const MAX_ISTDP_RULES = 256

export const ISTDP_RULES: readonly IstdpRule[] = [
  { name: 'none', eta: 0, rho0_Hz: 0, tau_ms: 20, wMax: 1, onset_ms: 0 },
  { name: 'vogels2011', eta: 1e-2, rho0_Hz: 3, tau_ms: 20, wMax: 100, onset_ms: 0 },
]

/** α = 2 ρ0 τ_STDP (dimensionless; ρ0 in Hz, τ in ms). */
export function istdpAlpha(r: IstdpRule): number {
  return (2 * r.rho0_Hz * r.tau_ms) / 1000
}

const KEYS = ['name', 'eta', 'rho0_Hz', 'tau_ms', 'wMax', 'onset_ms']

/** Throw a clear message if `r` is not a valid rule. */
export function validateIstdpRule(r: unknown, where: string): asserts r is IstdpRule {
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}`)
  }
  if (typeof r !== 'object' || r === null || Array.isArray(r)) fail('expected a rule object')
  const o = r as Record<string, unknown>
  if (typeof o.name !== 'string' || o.name === '') fail('name must be a non-empty string')
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) fail(`unknown field "${k}" (fields: ${KEYS.join(', ')})`)
  const check = (k: string, ok: (v: number) => boolean, what: string) => {
    const v = o[k]
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) fail(`${k} must be a finite number ${what}, got ${JSON.stringify(v)}`)
  }
  check('eta', (v) => v >= 0, '≥ 0')
  check('rho0_Hz', (v) => v >= 0, '≥ 0')
  check('tau_ms', (v) => v > 0, '> 0')
  check('wMax', (v) => v > 0, '> 0')
  check('onset_ms', (v) => v >= 0, '≥ 0')
}

/** The index of a rule by index or name in `rules` (0 / "none": no plasticity). */
export function istdpRuleIndex(rules: readonly IstdpRule[], rule: number | string): number {
  if (typeof rule === 'number') {
    if (!Number.isInteger(rule) || rule < 0 || rule >= Math.max(1, rules.length))
      throw new Error(`unknown iSTDP rule index ${rule} (params.istdpRules: ${rules.map((r) => r.name).join(', ')})`)
    return rule
  }
  if (rule === 'none') return 0
  const i = rules.findIndex((r) => r.name === rule)
  if (i < 1) throw new Error(`unknown iSTDP rule "${rule}" (rules: ${rules.map((r) => r.name).join(', ')})`)
  return i
}
