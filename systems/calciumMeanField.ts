/**
 * The analytic (mean-field) prediction of the Graupner & Brunel (2012) rule for periodic spike
 * patterns — what the paper's Figs. 2 and 4 plot, and what the simulated synapses of
 * systems/calciumPlasticity.ts are checked against. Model and parameters: components/calcium.ts.
 *
 * 1. Calcium in the periodic steady state of a pattern of jumps A_k at phases t_k (period P; a
 *    presynaptic spike at phase s puts C_pre at s + D, a postsynaptic one C_post at its phase):
 *      c(t_j⁺) = Σ_k A_k e^(−d_jk/τ_Ca) / (1 − e^(−P/τ_Ca)),   d_jk = (t_j − t_k) mod P ∈ [0, P)
 *    Between jumps c decays, so it stays above θ for min(L_j, τ_Ca ln(c(t_j⁺)/θ)) of the interval
 *    L_j after jump j. Fractions of time above threshold: α_d, α_p = Σ_j (time above) / P.
 * 2. Neglecting the cubic term during the protocol (as the paper does), ρ is an Ornstein–Uhlenbeck
 *    process driven by the average rates Γ_p = γ_p α_p, Γ_d = γ_d α_d (paper, SI):
 *      ρ̄ = Γ_p / (Γ_p + Γ_d),   τ_eff = τ / (Γ_p + Γ_d),   σ_ρ² = (α_p + α_d) σ² / (Γ_p + Γ_d)
 *    after T = count / f, starting from ρ0 ∈ {0, 1}: mean ρ̄ + (ρ0 − ρ̄) e^(−T/τ_eff), variance
 *    σ_ρ² (1 − e^(−2T/τ_eff)) / 2, so the probability of ending on the other side of ρ* is
 *      U = ½ (1 + erf(x(0))),  D = ½ (1 − erf(x(1))),
 *      x(ρ0) = −(ρ* − ρ̄ + (ρ̄ − ρ0) e^(−T/τ_eff)) / √(σ_ρ² (1 − e^(−2T/τ_eff)))
 *    With σ = 0 the transition is certain or impossible (U, D ∈ {0, 1}); with no time above either
 *    threshold nothing changes. w_after/w_before: `strengthChange` (components/calcium.ts).
 *
 * erf: Numerical Recipes' Chebyshev fit of erfc (fractional error < 1.2·10⁻⁷), with the
 * deterministic exp. Analysis only: nothing here touches a world.
 *
 * References: Graupner M, Brunel N (2012) PNAS 109:3991 (eqs. and SI, "Analytical calculation");
 *   Press WH et al. (1992) Numerical Recipes, 2nd ed., §6.2 (erfcc).
 */
import { exp, log } from '../src/engine/detmath.ts'
import { strengthChange, type CalciumRule } from '../components/calcium.ts'

export interface Jump {
  /** Phase of the calcium jump within the period (ms). */
  t_ms: number
  amount: number
}

/** Fractions of time the steady-state periodic calcium spends above θ_d and θ_p. */
export function timeAbove(rule: CalciumRule, jumps: readonly Jump[], period_ms: number): { alphaD: number; alphaP: number } {
  const P = period_ms
  const J = jumps.map((j) => ({ t: ((j.t_ms % P) + P) % P, a: j.amount })).sort((x, y) => x.t - y.t)
  const tau = rule.tauCa_ms
  const norm = 1 / (1 - exp(-P / tau))
  let aboveD = 0
  let aboveP = 0
  for (let j = 0; j < J.length; j++) {
    let c = 0
    for (let k = 0; k < J.length; k++) {
      const d = (((J[j]!.t - J[k]!.t) % P) + P) % P
      c += J[k]!.a * exp(-d / tau)
    }
    c *= norm
    const L = j + 1 < J.length ? J[j + 1]!.t - J[j]!.t : J[0]!.t + P - J[j]!.t
    if (c > rule.thetaD) aboveD += Math.min(L, tau * log(c / rule.thetaD))
    if (c > rule.thetaP) aboveP += Math.min(L, tau * log(c / rule.thetaP))
  }
  return { alphaD: aboveD / P, alphaP: aboveP / P }
}

/**
 * Calcium jumps of a pattern given as spike phases (ms within the period): presynaptic spikes
 * jump by C_pre at phase + D, postsynaptic by C_post at the phase.
 */
export function patternJumps(rule: CalciumRule, pre_ms: readonly number[], post_ms: readonly number[]): Jump[] {
  return [
    ...pre_ms.map((t) => ({ t_ms: t + rule.D_ms, amount: rule.Cpre })),
    ...post_ms.map((t) => ({ t_ms: t, amount: rule.Cpost })),
  ]
}

export interface MeanField {
  alphaD: number
  alphaP: number
  rhoBar: number
  tauEff_ms: number
  sigmaRho2: number
  /** P(DOWN → UP), P(UP → DOWN). */
  up: number
  down: number
  /** w_after / w_before with the rule's β and b. */
  ratio: number
}

/** The mean-field change after `duration_ms` of a periodic protocol with the given α_d, α_p. */
export function meanFieldChange(rule: CalciumRule, alphaD: number, alphaP: number, duration_ms: number): MeanField {
  const Gp = rule.gammaP * alphaP
  const Gd = rule.gammaD * alphaD
  const G = Gp + Gd
  if (!(G > 0)) return { alphaD, alphaP, rhoBar: Number.NaN, tauEff_ms: Infinity, sigmaRho2: 0, up: 0, down: 0, ratio: 1 }
  const rhoBar = Gp / G
  const tauEff_ms = rule.tau_ms / G
  const sigmaRho2 = ((alphaP + alphaD) * rule.sigma * rule.sigma) / G
  const e = exp(-duration_ms / tauEff_ms)
  const spread = Math.sqrt(sigmaRho2 * (1 - e * e))
  const cross = (rho0: number): number => {
    const m = rhoBar + (rho0 - rhoBar) * e // mean at the end
    const x = -(rule.rhoStar - m) / spread
    if (spread > 0) return rho0 === 0 ? (1 + erf(x)) / 2 : (1 - erf(x)) / 2
    return rho0 === 0 ? (m > rule.rhoStar ? 1 : 0) : m <= rule.rhoStar ? 1 : 0
  }
  const up = cross(0)
  const down = cross(1)
  return { alphaD, alphaP, rhoBar, tauEff_ms, sigmaRho2, up, down, ratio: strengthChange(rule.beta, rule.b, up, down) }
}

/** Mean-field w_after/w_before for `count` pre–post pairs at `freq_Hz`, Δt = t_post − t_pre (ms). */
export function meanFieldPairing(rule: CalciumRule, dt_ms: number, freq_Hz: number, count: number): MeanField {
  const P = 1000 / freq_Hz
  const { alphaD, alphaP } = timeAbove(rule, patternJumps(rule, [0], [dt_ms]), P)
  return meanFieldChange(rule, alphaD, alphaP, count * P)
}

/** The error function (|fractional error of erfc| < 1.2·10⁻⁷; Numerical Recipes' erfcc). */
export function erf(x: number): number {
  const z = Math.abs(x)
  const t = 1 / (1 + 0.5 * z)
  const poly =
    -z * z - 1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
    t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
  const erfc = t * exp(poly)
  return x >= 0 ? 1 - erfc : erfc - 1
}
