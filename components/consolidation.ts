/**
 * Synaptic tagging and capture (Frey & Morris 1997) as a rule-agnostic consolidation layer: the
 * per-synapse early/late decomposition and tag, and the per-neuron pool of plasticity-related
 * proteins (PRP). Dynamics: systems/consolidation.ts. Model: the tag-trigger-consolidation (TagTriC)
 * model of Clopath, Ziegler, Vasilaki, Büsing & Gerstner (2008), its maintenance equations and
 * parameters, with the induction part replaced by whatever plasticity rule changes `Synapse.weight`.
 *
 * Weight of a consolidating synapse (TagTriC: w = w0 + g_h h + g_l l + g_z z, in units of w0):
 *   w = u · (1 + g_z z) + e
 *   u: the synapse's unit (TagTriC's residual weight w0), fixed when it joins (u = w / (1 + g_z z0));
 *   e: early-phase change — every change the induction rule made to the weight since the layer last
 *      wrote it is added to e; e decays back to 0:  de/dt = −e/τ_h (e > 0),  −e/τ_l (e < 0);
 *   z: late phase, bistable (TagTriC eq. for z):
 *      τ_z dz/dt = z (1 − z)(z − κ) + γ · tag · p
 * Tags are TagTriC's binary early states, tag ∈ {−1 (l = −1), 0, +1 (h = 1)}. In TagTriC the rule
 * flips h to 1 with a probability per step; here the rule's own change sets it: a potentiation Δe > 0
 * of an untagged synapse tags it (+1) with probability min(1, Δe / (g_h u)) — one TagTriC early-LTP
 * transition is a change of g_h·u — and removes an LTD tag with probability min(1, Δe / (g_l u));
 * depression likewise with g_l (tags −1) and g_h (removes +1). A tag is lost at rate 1/τ_h (h) or
 * 1/τ_l (l), as in TagTriC, so the expected tag follows the early change. All-or-none induction
 * rules (Graupner–Brunel) tag exactly the synapses that switched; graded rules tag a fraction.
 * PRP per neuron n (TagTriC's trigger: protein synthesis is on while the neuron holds more than θ_p
 * tags; anisomycin scales synthesis, drugEffects(sim).proteinSynthesis):
 *   dp/dt = −p/τ_pd + (1 − p)/τ_pm · Θ[Σ_s |tag_s| − θ_p N_n] · proteinSynthesis
 *   N_n: consolidating synapses onto n. TagTriC's θ_p = 60 of 200 synapses → θ_p = 0.3 per synapse.
 *
 * | parameter  | unit | value  | TagTriC (Clopath et al. 2008; ModelDB 118199)          |
 * |------------|------|--------|--------------------------------------------------------|
 * | tauH_s     | s    | 3600   | 1/k_h: early LTP (h) lifetime                          |
 * | tauL_s     | s    | 5400   | 1/k_l: early LTD (l) lifetime                          |
 * | tauZ_s     | s    | 360    | τ_z: late-phase (consolidation) time constant          |
 * | kappa      | –    | 0.5    | κ: unstable fixed point of z                           |
 * | gamma      | –    | 0.1    | γ: tag × protein drive of z                            |
 * | tauPm_s    | s    | 360    | τ_p^m: protein synthesis                               |
 * | tauPd_s    | s    | 3600   | τ_p^d: protein degradation                             |
 * | thetaP     | –    | 0.3    | θ_p = 60 tags / 200 synapses, per synapse of the neuron|
 * | gH, gL, gZ | –    | 1, 0.5, 2 | weight of h, l, z in units of w0                    |
 *
 * References:
 *   Frey U, Morris RGM (1997) Synaptic tagging and long-term potentiation. Nature 385:533.
 *     doi:10.1038/385533a0
 *   Clopath C, Ziegler L, Vasilaki E, Büsing L, Gerstner W (2008) Tag-trigger-consolidation: a model
 *     of early and late long-term-potentiation and depression. PLoS Comput Biol 4:e1000248.
 *     doi:10.1371/journal.pcbi.1000248
 */
import type { StoreSpec } from '../src/engine/store.ts'

/** Per synapse (a synapse store). */
export const ConsolidationSpec = {
  on: 'u8', // 1: the synapse is under the consolidation layer
  tag: 'u8', // TAG_NONE, TAG_LTP (TagTriC h = 1) or TAG_LTD (l = −1)
  unit: 'f32', // u (TagTriC's w0), weight units
  early: 'f32', // e, weight units
  z: 'f32', // late phase ∈ [0, 1]
  seen: 'f32', // Synapse.weight as the layer last wrote it
} as const satisfies StoreSpec

export const TAG_NONE = 0
export const TAG_LTP = 1
export const TAG_LTD = 2

/** Per neuron (a bitecs component on each postsynaptic neuron of a consolidating synapse). */
export const ProteinsSpec = {
  p: 'f64', // PRP level ∈ [0, 1)
} as const satisfies StoreSpec

export interface ConsolidationParams {
  tauH_s: number
  tauL_s: number
  tauZ_s: number
  kappa: number
  gamma: number
  tauPm_s: number
  tauPd_s: number
  thetaP: number
  gH: number
  gL: number
  gZ: number
}

/** Clopath et al. (2008), Table / ModelDB 118199 (see the header). */
export const TAGTRIC: Readonly<ConsolidationParams> = Object.freeze({
  tauH_s: 3600,
  tauL_s: 5400,
  tauZ_s: 360,
  kappa: 0.5,
  gamma: 0.1,
  tauPm_s: 360,
  tauPd_s: 3600,
  thetaP: 0.3,
  gH: 1,
  gL: 0.5,
  gZ: 2,
})
