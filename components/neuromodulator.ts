/**
 * Neuromodulators — dopamine (DA), acetylcholine (ACh) and noradrenaline (NE) as extracellular
 * concentrations (µM) released at sites and spread by volume transmission. The dynamics live in
 * systems/neuromodulation.ts; this file holds the release-site component, the modulator constants
 * and the shape of the world-level state.
 *
 * Concentration of modulator m at a point x:   C_m(x, t) = G_m(t) + F_m(x, t)
 *   G_m   well-mixed (global) part: dG/dt = −G/τ_m + R_m            (R_m: tonic global release, µM/s)
 *   F_m   spatial part on a coarse 2-D grid over the tissue (width_um × height_um, square cells of
 *         `cell_um`), created when the first release at a site happens:
 *         ∂F/∂t = D_m ∇²F − F/τ_m + sources                           (no-flux boundaries)
 * Phasic release: a puff of `amount` µM at a site of radius r raises F by `amount` over the disc
 * (mass amount·π·r² µM·µm², spread evenly over the cells whose centres lie in it, or the nearest
 * cell when none does); a global puff raises G by `amount`. Tonic release: a site with
 * `tonic_uM_per_s` adds that rate over its disc in every step.
 *
 * Effects other systems can read (systems/neuromodulation.ts): the concentration at a point or at a
 * neuron, and the receptor occupancy C/(C + EC50). What the literature supports, and what the
 * occupancies are meant to drive:
 *   DA  gates eligibility traces of STDP into weight change (three-factor rule; Izhikevich 2007;
 *       systems/rewardStdp.ts uses C_DA at the postsynaptic neuron).
 *   NE  β-adrenergic receptor activation favours LTP at STDP pairings (Seol et al. 2007) and raises
 *       neuronal gain (Servan-Schreiber, Printz & Cohen 1990; Aston-Jones & Cohen 2005).
 *   ACh M1-muscarinic activation favours LTD at the same pairings (Seol et al. 2007) and suppresses
 *       intrinsic (recurrent) excitatory transmission more than afferent input (Hasselmo & Bower 1992).
 * `plasticityBias` = occ(NE) − occ(ACh) ∈ [−1, 1] expresses the Seol et al. polarity result as a
 * signed value, assuming NE acts through β receptors (its Gq-coupled α1 receptors push towards LTD
 * like M1 — a simplification); no system in this repository consumes it yet (no magnitude is claimed).
 *
 * | modulator     | D* (µm²/s) | τ (ms) | EC50 (µM) | sources                                               |
 * |---------------|-----------:|-------:|----------:|-------------------------------------------------------|
 * | dopamine      | 300        | 200    | 1         | D* = D/λ², D = 7.6e−6 cm²/s (Gerhardt & Adams 1982), λ = 1.6 (Nicholson & Syková 1998); τ_d = 0.2 s (Izhikevich 2007) |
 * | acetylcholine | 300        | 1000   | 1         | D* as DA (similar size, MW ≈ 146 vs 153; assumption); τ: seconds-scale cortical cholinergic transients (Parikh et al. 2007) — order of magnitude, a modelling assumption |
 * | noradrenaline | 300        | 4200   | 1         | D* as DA (MW 169; assumption); τ = t½/ln 2, uptake half-life 2.93 s (Palij et al. 1994) |
 * EC50 = 1 µM for all three is a placeholder scale (occupancies are reported, not used for
 * magnitudes). Scenes override the table through `params.neuromodulators`.
 *
 * | grid parameter | unit | default | meaning                                                       |
 * |----------------|------|---------|---------------------------------------------------------------|
 * | cell_um        | µm   | 25      | grid cell edge (the grid covers the tissue, ≥ 1 × 1 cells)     |
 * | epsilon_uM     | µM   | 1e−12   | a field or global level below this is set to exactly 0 (then the systems stop working on it) |
 *
 * Release-site component (bitecs entity with a position):
 * | field            | unit  | meaning                                                   |
 * |------------------|-------|-----------------------------------------------------------|
 * | x_um, y_um       | µm    | site position                                             |
 * | radius_um        | µm    | radius of the disc a release covers                       |
 * | modulator        | –     | index into MODULATORS                                     |
 * | tonic_uM_per_s   | µM/s  | tonic release rate over the disc (0: phasic puffs only)   |
 *
 * References:
 *   Izhikevich EM (2007) Cereb Cortex 17:2443. doi:10.1093/cercor/bhl152
 *   Nicholson C, Syková E (1998) Trends Neurosci 21:207. doi:10.1016/S0166-2236(98)01261-2
 *   Gerhardt GA, Adams RN (1982) Anal Chem 54:2618. doi:10.1021/ac00251a054
 *   Rice ME, Cragg SJ (2008) Brain Res Rev 58:303. doi:10.1016/j.brainresrev.2008.02.004
 *   Palij P et al. (1994) Brain Res 634:275. doi:10.1016/0006-8993(94)91930-5
 *   Parikh V, Kozak R, Martinez V, Sarter M (2007) Neuron 56:141. doi:10.1016/j.neuron.2007.08.025
 *   Seol GH et al. (2007) Neuron 55:919. doi:10.1016/j.neuron.2007.08.013
 *   Servan-Schreiber D, Printz H, Cohen JD (1990) Science 249:892. doi:10.1126/science.2392679
 *   Aston-Jones G, Cohen JD (2005) Annu Rev Neurosci 28:403. doi:10.1146/annurev.neuro.28.061604.135709
 *   Hasselmo ME, Bower JM (1992) J Neurophysiol 67:1222. doi:10.1152/jn.1992.67.5.1222
 */
import type { StoreSpec } from '../src/engine/store.ts'

export const MODULATOR_NAMES = ['dopamine', 'acetylcholine', 'noradrenaline'] as const
export type ModulatorName = (typeof MODULATOR_NAMES)[number]
export const DOPAMINE = 0
export const ACETYLCHOLINE = 1
export const NORADRENALINE = 2

/** Release sites: bitecs entities with a position (a world store, in BITECS_COMPONENTS). */
export const ReleaseSiteSpec = {
  x_um: 'f64',
  y_um: 'f64',
  radius_um: 'f64',
  modulator: 'u8',
  tonic_uM_per_s: 'f64',
} as const satisfies StoreSpec

export interface ModulatorParams {
  name: ModulatorName
  /** Effective diffusion coefficient in tissue D* = D/λ² (µm²/s). */
  D_um2_per_s: number
  /** Clearance (uptake, hydrolysis) time constant (ms). */
  tau_ms: number
  /** Concentration of half-maximal receptor occupancy (µM). */
  ec50_uM: number
}

export interface NeuromodulatorParams {
  modulators: ModulatorParams[]
  cell_um: number
  epsilon_uM: number
}

export const DEFAULT_NEUROMODULATORS: NeuromodulatorParams = {
  modulators: [
    { name: 'dopamine', D_um2_per_s: 300, tau_ms: 200, ec50_uM: 1 },
    { name: 'acetylcholine', D_um2_per_s: 300, tau_ms: 1000, ec50_uM: 1 },
    { name: 'noradrenaline', D_um2_per_s: 300, tau_ms: 4200, ec50_uM: 1 },
  ],
  cell_um: 25,
  epsilon_uM: 1e-12,
}

/**
 * A reward contingency (Izhikevich 2007, Fig. 1): when `post` fires and `pre` fired within
 * `window_ms` before (strictly earlier), a puff of `amount_uM` of `modulator` (global) is scheduled
 * uniformly in (delayMin_ms, delayMax_ms] later, on the fast-step grid (the paper's code:
 * t + 1000 + ceil(2000·rand) ms).
 */
export interface Contingency {
  pre: number
  post: number
  window_ms: number
  delayMin_ms: number
  delayMax_ms: number
  amount_uM: number
  modulator: number
  /** Scheduled reward steps, ascending. */
  pending: number[]
  /** Rewards delivered so far. */
  delivered: number
  /** Time of the last spike of `pre` (ms). */
  lastPre_ms: number
}

/** World-level state (in `sim.state.neuromodulation`: JSON, hashed and in snapshots). */
export interface NeuromodulationState {
  /** Well-mixed level G_m (µM), by modulator index. */
  global: number[]
  /** Tonic global release R_m (µM/s), by modulator index. */
  tonic: number[]
  /** The spatial grid, once a site has released; `fields[m]` is null until modulator m is released at a site. */
  grid: { nx: number; ny: number; cell_um: number; fields: (number[] | null)[] } | null
  contingencies: Contingency[]
}

/** Index of a modulator by name; throws a clear message. */
export function modulatorIndex(name: string | number): number {
  if (typeof name === 'number') {
    if (!Number.isInteger(name) || name < 0 || name >= MODULATOR_NAMES.length) throw new Error(`unknown neuromodulator index ${name}`)
    return name
  }
  const i = (MODULATOR_NAMES as readonly string[]).indexOf(name)
  if (i < 0) throw new Error(`unknown neuromodulator "${name}" (neuromodulators: ${MODULATOR_NAMES.join(', ')})`)
  return i
}
