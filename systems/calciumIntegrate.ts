/**
 * The efficacy integrator of the Graupner & Brunel (2012) rule between two calcium events of a
 * synapse: pieces above both thresholds, above the lower one, below both, each advanced exactly
 * (Ornstein–Uhlenbeck with noise above threshold, Strang-split with the bistable cubic flow; the
 * cubic flow in closed form for ρ* = ½). Equations and the derivations: systems/calciumPlasticity.ts
 * (header) and components/calcium.ts.
 *
 * References: Graupner M, Brunel N (2012) PNAS 109:3991. doi:10.1073/pnas.1109359109;
 *   Higgins D, Graupner M, Brunel N (2014) PLoS Comput Biol 10:e1003834.
 */
import { exp, log } from '../src/engine/detmath.ts'
import { normal, type Stream } from '../src/engine/rng.ts'
import type { CalciumRule } from '../components/calcium.ts'

/**
 * ρ after h ms with calcium starting at c0 (see the header): pieces with both thresholds crossed,
 * the lower one only, none. `rng` undefined: noise-free (σ treated as 0).
 */
export function advanceRho(r: CalciumRule, c0: number, rho: number, h: number, rng: Stream | undefined): number {
  const lo = Math.min(r.thetaD, r.thetaP)
  const hi = Math.max(r.thetaD, r.thetaP)
  const tHi = c0 > hi ? Math.min(h, r.tauCa_ms * log(c0 / hi)) : 0
  const tLo = c0 > lo ? Math.min(h, r.tauCa_ms * log(c0 / lo)) : 0
  if (tHi > 0) rho = aboveStep(r, rho, tHi, true, true, rng)
  if (tLo > tHi) rho = aboveStep(r, rho, tLo - tHi, r.thetaD === lo, r.thetaP === lo, rng)
  if (h > tLo) rho = cubicFlow(r, rho, h - tLo)
  return rho
}

/** One piece above threshold(s): half cubic, exact OU (with noise), half cubic. */
function aboveStep(r: CalciumRule, rho: number, L: number, dep: boolean, pot: boolean, rng: Stream | undefined): number {
  const gp = pot ? r.gammaP : 0
  const G = gp + (dep ? r.gammaD : 0)
  rho = cubicFlow(r, rho, L / 2)
  if (G > 0) {
    const bar = gp / G
    const e = exp((-G * L) / r.tau_ms)
    rho = bar + (rho - bar) * e
    if (r.sigma > 0 && rng) {
      const n: number = (dep ? 1 : 0) + (pot ? 1 : 0)
      rho += Math.sqrt(((n * r.sigma * r.sigma) / (2 * G)) * (1 - e * e)) * normal(rng)
    }
  } else if (r.sigma > 0 && rng) {
    // γ's of 0 leave pure diffusion: variance n σ² L / τ.
    const n: number = (dep ? 1 : 0) + (pot ? 1 : 0)
    rho += r.sigma * Math.sqrt((n * L) / r.tau_ms) * normal(rng)
  }
  return cubicFlow(r, rho, L / 2)
}

/**
 * The bistable flow τ dρ/dt = −ρ(1 − ρ)(ρ* − ρ) for L ms (L < 0: backwards, for ρ in [0, 1]):
 * closed form for ρ* = ½, else RK4.
 */
export function cubicFlow(r: CalciumRule, rho: number, L: number): number {
  if (L === 0) return rho
  if (r.rhoStar === 0.5) {
    const x = rho - 0.5
    const x2 = 4 * x * x
    return 0.5 + x / Math.sqrt(x2 + (1 - x2) * exp(-L / (2 * r.tau_ms)))
  }
  const steps = Math.max(1, Math.ceil(Math.abs(L) / (r.tau_ms / 200)))
  const k = L / steps / r.tau_ms
  const f = (p: number) => -p * (1 - p) * (r.rhoStar - p)
  for (let i = 0; i < steps; i++) {
    const k1 = f(rho)
    const k2 = f(rho + 0.5 * k * k1)
    const k3 = f(rho + 0.5 * k * k2)
    const k4 = f(rho + k * k3)
    rho += (k / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
  }
  return rho
}
