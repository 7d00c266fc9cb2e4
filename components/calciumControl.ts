/**
 * Calcium control of bidirectional plasticity (Shouval, Bear & Cooper 2002): the per-synapse NMDA
 * gating / calcium / weight state, the per-neuron back-propagating-AP and metaplasticity state, and
 * the rule records (`params.calciumControlRules`). Dynamics: systems/calciumControl.ts (fast, per
 * active synapse), systems/calciumControlMath.ts (the model's functions), systems/bcm.ts (sliding
 * threshold).
 *
 * NMDA receptor gating of synapse i (fraction of its receptors with glutamate bound), fast and slow
 * components; at each presynaptic arrival a fraction P0 of the receptors still closed binds glutamate
 * (so gating saturates at high rates):
 *   free = 1 − g_f − g_s;   g_f ← g_f + P0 I_f free;   g_s ← g_s + P0 I_s free
 *   dg_f/dt = −g_f/τ_f,   dg_s/dt = −g_s/τ_s
 * Calcium (µM above rest) through the NMDA receptor, with the Mg²⁺ block of Jahr & Stevens (1990):
 *   d[Ca]/dt = G_NMDA · κ · (g_f + g_s) · B(V) · (V_r − V) − [Ca]/τ_Ca
 *   B(V) = 1 / (1 + exp(−0.062 V) [Mg²⁺]/3.57)
 *   κ = nmdaGain (drugs: APV, D-serine) × the postsynaptic neuron's metaplastic NMDA scale (BCM)
 * The spine voltage is the postsynaptic neuron's membrane potential plus the back-propagating action
 * potential of its latest spike t_post, arriving D_bpap later:
 *   V = v_mV + V_bpap [I_bf e^(−s/τ_bf) + I_bs e^(−s/τ_bs)],   s = t − t_post − D_bpap ≥ 0
 * Weight (W: the rule's synaptic strength; dW/dt in 1/s):
 *   dW/dt = η([Ca]) (Ω([Ca]) − λ W)
 *   Ω([Ca]) = 0.25 + camkii · sig([Ca] − α2, β2) − 0.25 · sig([Ca] − α1, β1),  sig(x, β) = e^(βx)/(1 + e^(βx))
 *   η([Ca]) = 1 / τ([Ca]),   τ([Ca]) = P1 / (P2 + [Ca]^P3) + P4
 * (camkii ∈ [0, 1]: the CaMKII inhibitor KN-93 gates the potentiation branch; 1 without drugs.)
 * At rest ([Ca] = 0) W relaxes to Ω(0)/λ = 0.25 with τ(0) = P1/P2 + P4 ≈ 10⁴ s ≈ 2.8 h. Between
 * [Ca] ≈ α1 and α2, Ω ≈ 0 (LTD); above α2, Ω → 1 (LTP, at most 4× the resting weight).
 * The synapse's conductance is `Synapse.weight = w0 · W`, with w0 fixed when the synapse joins the
 * rule (w0 = weight / W_init; W_init defaults to the resting fixed point Ω(0)/λ ≈ 0.25).
 *
 * | rule field  | unit          | Shouval et al. 2002 | meaning                                             |
 * |-------------|---------------|---------------------|-----------------------------------------------------|
 * | P0          | –             | 0.5                 | fraction of closed NMDARs opened per presynaptic spike |
 * | G_uM_per_ms_mV | µM/(ms·mV) | 1/500               | NMDAR calcium conductance (the paper's G_NMDA = −1/500 with H = B(V)(V − V_r)) |
 * | Vr_mV       | mV            | 130                 | calcium reversal potential                          |
 * | If, Is      | –             | 0.5, 0.5            | fast / slow share of the NMDAR current              |
 * | tauF_ms, tauS_ms | ms       | 50, 200             | fast / slow NMDAR decay                             |
 * | Mg_mM       | mM            | 1                   | extracellular Mg²⁺                                  |
 * | tauCa_ms    | ms            | 50                  | calcium decay                                       |
 * | alpha1_uM, alpha2_uM | µM   | 0.35, 0.55          | Ω thresholds (LTD onset, LTP onset)                 |
 * | beta1, beta2 | 1/µM         | 80, 80              | Ω slopes                                            |
 * | P1_s, P2, P3, P4_s | s, µM^P3, –, s | 0.1, 1e−5, 3, 1 | learning-rate function (P2 = P1·10⁻⁴)          |
 * | lambda      | –             | 1                   | weight decay term                                   |
 * | Vbpap_mV    | mV            | 100                 | BPAP amplitude                                      |
 * | Ibf, Ibs    | –             | 0.75, 0.25          | BPAP fast / slow (after-depolarisation) shares      |
 * | tauBf_ms, tauBs_ms | ms     | 3, 25               | BPAP fast / slow decay                              |
 * | Dbpap_ms    | ms            | 2                   | BPAP arrival delay at the spine                     |
 * Parameter values are those of the paper's Methods / supporting text (the same numbers appear in
 * public replications, e.g. folmez/CaDP-MatLab and taivop/neuron, read for checking). The paper's
 * printed P2 "P1/10⁴" is a typo for P1·10⁻⁴ (with it τ(0) ≈ 3 h, as the text says).
 *
 * References:
 *   Shouval HZ, Bear MF, Cooper LN (2002) A unified model of NMDA receptor-dependent bidirectional
 *     synaptic plasticity. PNAS 99:10831. doi:10.1073/pnas.152343099
 *   Shouval HZ, Castellani GC, Blais BS, Yeung LC, Cooper LN (2002) Converging evidence for a
 *     simplified biophysical model of synaptic plasticity. Biol Cybern 87:383. doi:10.1007/s00422-002-0362-x
 *   Jahr CE, Stevens CF (1990) J Neurosci 10:3178 (Mg²⁺ block)
 *   Yeung LC, Shouval HZ, Blais BS, Cooper LN (2004) Synaptic homeostasis and input selectivity follow
 *     from a calcium-dependent plasticity model. PNAS 101:14943. doi:10.1073/pnas.0405555101
 */
import type { StoreSpec } from '../src/engine/store.ts'

/**
 * Per synapse (a synapse store). f64 for the integrated quantities: W moves by ~10⁻⁶ per step and
 * relaxes at rest by ~10⁻⁴ of its distance per second, below f32 resolution near 0.25.
 */
export const CalciumControlSpec = {
  rule: 'u8', // 0: none, else index into params.calciumControlRules
  gF: 'f64', // NMDAR gating, fast component (fraction of receptors)
  gS: 'f64', // NMDAR gating, slow component
  ca_uM: 'f64', // calcium above rest (µM)
  W: 'f64', // the rule's synaptic strength
  w0: 'f64', // conductance per unit W (Synapse.weight = w0 · W)
} as const satisfies StoreSpec

/**
 * Per neuron (a bitecs component on every postsynaptic neuron of a calcium-control synapse): its
 * last two spike times (the BPAP of the latest spike reaches the spine D_bpap later, so the one
 * before still acts meanwhile), the metaplastic scale of its NMDA calcium (1 without BCM) and its
 * spike count since the last slow tick (the activity y of its BCM threshold).
 */
export const CalciumControlNeuronSpec = {
  spike_ms: 'f64',
  prevSpike_ms: 'f64',
  nmdaScale: 'f64',
  spikes: 'u32', // spikes since the last slow tick (read and reset by the BCM threshold, systems/bcm.ts)
} as const satisfies StoreSpec

export interface CalciumControlRule {
  name: string
  P0: number
  G_uM_per_ms_mV: number
  Vr_mV: number
  If: number
  Is: number
  tauF_ms: number
  tauS_ms: number
  Mg_mM: number
  tauCa_ms: number
  alpha1_uM: number
  alpha2_uM: number
  beta1: number
  beta2: number
  P1_s: number
  P2: number
  P3: number
  P4_s: number
  lambda: number
  Vbpap_mV: number
  Ibf: number
  Ibs: number
  tauBf_ms: number
  tauBs_ms: number
  Dbpap_ms: number
}

/** Shouval, Bear & Cooper (2002), parameters as published (table above). */
export const SHOUVAL_2002: Readonly<CalciumControlRule> = Object.freeze({
  name: 'shouval2002',
  P0: 0.5,
  G_uM_per_ms_mV: 1 / 500,
  Vr_mV: 130,
  If: 0.5,
  Is: 0.5,
  tauF_ms: 50,
  tauS_ms: 200,
  Mg_mM: 1,
  tauCa_ms: 50,
  alpha1_uM: 0.35,
  alpha2_uM: 0.55,
  beta1: 80,
  beta2: 80,
  P1_s: 0.1,
  P2: 1e-5,
  P3: 3,
  P4_s: 1,
  lambda: 1,
  Vbpap_mV: 100,
  Ibf: 0.75,
  Ibs: 0.25,
  tauBf_ms: 3,
  tauBs_ms: 25,
  Dbpap_ms: 2,
})

/** Index 0 is the placeholder "none" (no calcium-control plasticity). */
export const CALCIUM_CONTROL_RULES: readonly CalciumControlRule[] = [{ ...SHOUVAL_2002, name: 'none' }, { ...SHOUVAL_2002 }]

export const MAX_CALCIUM_CONTROL_RULES = 256

const KEYS = Object.keys(SHOUVAL_2002)

/** Throw a clear message (prefixed by `where`) if `r` is not a valid rule. */
export function validateCalciumControlRule(r: unknown, where: string): asserts r is CalciumControlRule {
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}`)
  }
  if (typeof r !== 'object' || r === null || Array.isArray(r)) fail('expected a rule object')
  const o = r as Record<string, unknown>
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) fail(`unknown field "${k}" (fields: ${KEYS.join(', ')})`)
  if (typeof o.name !== 'string' || o.name === '') fail('name must be a non-empty string')
  for (const k of KEYS) {
    if (k === 'name') continue
    const v = o[k]
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${k} must be a finite number, got ${JSON.stringify(v)}`)
  }
  const n = o as unknown as CalciumControlRule
  for (const k of ['tauF_ms', 'tauS_ms', 'tauCa_ms', 'tauBf_ms', 'tauBs_ms', 'P4_s', 'lambda'] as const) if (!(n[k] > 0)) fail(`${k} must be > 0`)
  for (const k of ['G_uM_per_ms_mV', 'Mg_mM', 'beta1', 'beta2', 'P1_s', 'P2', 'P3', 'Vbpap_mV', 'Dbpap_ms'] as const) if (!(n[k] >= 0)) fail(`${k} must be ≥ 0`)
  if (!(n.P0 >= 0 && n.P0 <= 1)) fail('P0 must be in [0, 1]')
  if (!(n.If >= 0 && n.Is >= 0 && n.If + n.Is <= 1 + 1e-12)) fail('If, Is must be ≥ 0 with If + Is ≤ 1')
  if (!(n.P2 > 0 || n.P1_s === 0)) fail('P2 must be > 0 (else η(0) = 0 divides by zero)')
}

/** Check a whole rule list: at most MAX rules, entry 0 named "none", valid, unique names. */
export function validateCalciumControlRules(rules: unknown): asserts rules is CalciumControlRule[] {
  if (!Array.isArray(rules)) throw new Error('params.calciumControlRules must be a list of rules')
  if (rules.length > MAX_CALCIUM_CONTROL_RULES) throw new Error(`params.calciumControlRules has ${rules.length} rules; at most ${MAX_CALCIUM_CONTROL_RULES}`)
  const names = new Set<string>()
  rules.forEach((r, i) => {
    const label = `params.calciumControlRules[${i}]`
    if (i === 0) {
      if (r?.name !== 'none') throw new Error(`${label}: entry 0 must be the placeholder named "none"`)
      return
    }
    validateCalciumControlRule(r, label)
    if (names.has(r.name) || r.name === 'none') throw new Error(`${label}: the name "${r.name}" is used twice`)
    names.add(r.name)
  })
}

/** The index of a rule given by index or name (0 / "none": off). */
export function calciumControlRuleIndex(rules: readonly CalciumControlRule[], rule: number | string): number {
  if (typeof rule === 'number') {
    if (!Number.isInteger(rule) || rule < 0 || rule >= Math.max(1, rules.length))
      throw new Error(`unknown calcium-control rule index ${rule} (rules: ${rules.map((r) => r.name).join(', ')})`)
    return rule
  }
  if (rule === 'none') return 0
  const i = rules.findIndex((r) => r.name === rule)
  if (i < 1) throw new Error(`unknown calcium-control rule "${rule}" (rules: ${rules.map((r) => r.name).join(', ')})`)
  return i
}
