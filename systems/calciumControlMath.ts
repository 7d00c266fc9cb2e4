/**
 * The functions of the calcium-control model (Shouval, Bear & Cooper 2002) and the one-step update
 * of a synapse, shared by the system (systems/calciumControl.ts) and the tests. Model, parameter
 * table and references: components/calciumControl.ts.
 *
 * One step of length dt (ms) of an active synapse, with the spine voltage V held over the step:
 *   g_f ← g_f e^(−dt/τ_f),  g_s ← g_s e^(−dt/τ_s)                       (exact)
 *   J = κ G (g_f + g_s) B(V) (V_r − V)                                  (µM/ms, ≥ 0 below V_r)
 *   [Ca] ← [Ca] e^(−dt/τ_Ca) + J τ_Ca (1 − e^(−dt/τ_Ca))                (exact for constant J)
 *   W ← W + dt η([Ca]) (Ω([Ca]) − λ W)                                  (η·dt ≤ 10⁻³: Euler is stable)
 * Arrival of glutamate: free = 1 − g_f − g_s; g_f += P0 I_f free; g_s += P0 I_s free.
 * At rest ([Ca] = 0, no gating) the weight equation is linear and solved exactly:
 *   W(t) = W* + (W − W*) e^(−λ η(0) t),   W* = Ω(0)/λ
 *
 * References: Shouval HZ, Bear MF, Cooper LN (2002) PNAS 99:10831. doi:10.1073/pnas.152343099;
 *   Jahr CE, Stevens CF (1990) J Neurosci 10:3178.
 */
import { exp, log } from '../src/engine/detmath.ts'
import type { CalciumControlRule } from '../components/calciumControl.ts'

/** sig(x, β) = e^(βx)/(1 + e^(βx)), evaluated without overflow. */
export function sig(x: number, beta: number): number {
  const z = beta * x
  if (z >= 0) return 1 / (1 + exp(-z))
  const e = exp(z)
  return e / (1 + e)
}

/** Ω([Ca]) with the potentiation branch scaled by `camkii` (1: no inhibitor). */
export function omega(r: CalciumControlRule, ca_uM: number, camkii = 1): number {
  return 0.25 + camkii * sig(ca_uM - r.alpha2_uM, r.beta2) - 0.25 * sig(ca_uM - r.alpha1_uM, r.beta1)
}

/** [Ca]^P3 (P3 = 3 in the paper: a product, no exp/log). */
function caPow(r: CalciumControlRule, ca: number): number {
  if (ca <= 0) return 0
  if (r.P3 === 3) return ca * ca * ca
  return exp(r.P3 * log(ca))
}

/** η([Ca]) in 1/s. */
export function eta_per_s(r: CalciumControlRule, ca_uM: number): number {
  return 1 / (r.P1_s / (r.P2 + caPow(r, ca_uM)) + r.P4_s)
}

/** Mg²⁺ block B(V) (Jahr & Stevens 1990). */
export function mgBlock(V_mV: number, Mg_mM: number): number {
  return 1 / (1 + exp(-0.062 * V_mV) * (Mg_mM / 3.57))
}

/** Calcium influx per unit of NMDAR gating at spine voltage V (µM/ms): G B(V) (V_r − V). */
export function nmdaDrive(r: CalciumControlRule, V_mV: number): number {
  return r.G_uM_per_ms_mV * mgBlock(V_mV, r.Mg_mM) * (r.Vr_mV - V_mV)
}

/**
 * Back-propagating AP at the spine at time t (mV above the somatic potential), from the neuron's
 * latest spike that has reached the spine by t (`spike_ms`, else `prevSpike_ms`).
 */
export function bpap_mV(r: CalciumControlRule, t_ms: number, spike_ms: number, prevSpike_ms: number): number {
  let s = t_ms - spike_ms - r.Dbpap_ms
  if (s < 0) s = t_ms - prevSpike_ms - r.Dbpap_ms
  if (s < 0 || s > 40 * r.tauBs_ms) return 0
  return r.Vbpap_mV * (r.Ibf * exp(-s / r.tauBf_ms) + r.Ibs * exp(-s / r.tauBs_ms))
}

/** Per-step decay factors of a rule at step dt: [gating fast, gating slow, calcium]. */
export function stepDecays(r: CalciumControlRule, dt_ms: number): Float64Array {
  return Float64Array.of(exp(-dt_ms / r.tauF_ms), exp(-dt_ms / r.tauS_ms), exp(-dt_ms / r.tauCa_ms))
}

/** The state of one synapse (tests and readouts; the system works on the stores). */
export interface SynapseState {
  gF: number
  gS: number
  ca_uM: number
  W: number
}

/** Glutamate arrives: a fraction P0 of the closed receptors binds. */
export function bind(r: CalciumControlRule, st: SynapseState): void {
  const free = 1 - st.gF - st.gS
  if (free <= 0) return
  st.gF += r.P0 * r.If * free
  st.gS += r.P0 * r.Is * free
}

/**
 * Advance one synapse by one step (see the header). `kappa` = nmdaGain × metaplastic scale,
 * `camkii` gates Ω's potentiation branch, `decays` from `stepDecays(r, dt)`.
 */
export function stepSynapse(r: CalciumControlRule, st: SynapseState, V_mV: number, dt_ms: number, decays: Float64Array, kappa: number, camkii: number): void {
  const gF = st.gF * decays[0]!
  const gS = st.gS * decays[1]!
  const dC = decays[2]!
  let J = kappa * (gF + gS) * nmdaDrive(r, V_mV)
  if (J < 0) J = 0 // above the calcium reversal potential no calcium enters (the model's H(V) changes sign)
  const ca = st.ca_uM * dC + J * r.tauCa_ms * (1 - dC)
  st.gF = gF
  st.gS = gS
  st.ca_uM = ca
  st.W += (dt_ms / 1000) * eta_per_s(r, ca) * (omega(r, ca, camkii) - r.lambda * st.W)
}

/** W after `h_ms` at rest (exact; see the header). */
export function relaxAtRest(r: CalciumControlRule, W: number, h_ms: number): number {
  const Wstar = omega(r, 0, 1) / r.lambda
  return Wstar + (W - Wstar) * exp((-r.lambda * eta_per_s(r, 0) * h_ms) / 1000)
}
