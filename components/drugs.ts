/**
 * Drugs: the bath-applied compounds of slice pharmacology, each mapped to the mechanism parameter
 * it acts on. A drug is world-level state (it is in the bath, not in an entity): its concentration
 * lives in `sim.state.drugs` (µM, JSON, hashed and snapshotted) and systems/drugs.ts turns the
 * concentrations into the effects that the mechanisms read.
 *
 * Occupancy of the drug's target follows a Hill equation with coefficient 1:
 *   block(c) = c / (c + IC50)            (antagonists and inhibitors)
 *   occupancy(c) = c / (c + EC50)        (D-serine at the NMDA co-agonist site)
 * Effects (each 1 without drugs):
 *   ampaGain        = 1 − block_CNQX                       scales AMPA conductance arrivals
 *   nmdaGain        = (1 − block_APV) · coagonist           scales NMDA conductance arrivals and
 *                                                           NMDA-borne calcium (plasticity rules)
 *     coagonist     = (q0 + (1 − q0) · occupancy_D-serine) / q0   q0: the scene's resting occupancy of
 *                                                           the glycine/D-serine site (receptors.coagonistOccupancy,
 *                                                           1 = saturated); weights are as built at q0, so ≥ 1
 *   gabaGain        = 1 − block_bicuculline                 scales GABA_A conductance arrivals
 *   spikesBlocked   = block_TTX > ½                          no action potential is emitted, forced or
 *                                                           transmitted, and spike-driven background
 *                                                           drive stops (all spiking in the tissue stops)
 *   proteinSynthesis= 1 − block_anisomycin                  scales plasticity-related-protein synthesis
 *   camkii          = 1 − block_KN-93                       scales LTP induction (potentiation rates)
 *
 * TTX is a threshold because a point neuron has no Na⁺ channel density to scale: above its IC50 the
 * regenerative upstroke fails (the model's threshold crossing is reset silently). Drugs act at once
 * when applied and vanish at once when washed (bath exchange, minutes in a slice, is not modelled).
 *
 * | drug        | target              | IC50 / EC50 (µM) | usual bath (µM) | source                                   |
 * |-------------|---------------------|------------------|-----------------|------------------------------------------|
 * | APV (D-AP5) | NMDA glutamate site | 3                | 50              | Evans et al. 1982; Collingridge et al. 1983 |
 * | CNQX        | AMPA receptor       | 0.3              | 10              | Honoré et al. 1988                       |
 * | bicuculline | GABA_A receptor     | 2                | 10              | Johnston 2013 (IC50 1–3 µM)              |
 * | TTX         | Na_v channels       | 0.01             | 1               | Narahashi 1974 (TTX-sensitive Na_v, nM)  |
 * | anisomycin  | protein synthesis   | 3.5              | 20              | Frey et al. 1988 (20 µM: ≥ 85 % block)   |
 * | KN-93       | CaMKII activation   | 0.37 (Ki)        | 10              | Sumi et al. 1991                         |
 * | D-serine    | NMDA co-agonist site| 1                | 100             | Mothet et al. 2000; Panatier et al. 2006 |
 *
 * References:
 *   Evans RH, Francis AA, Jones AW, Smith DAS, Watkins JC (1982) Br J Pharmacol 75:65.
 *   Collingridge GL, Kehl SJ, McLennan H (1983) J Physiol 334:33.
 *   Honoré T, Davies SN, Drejer J, et al. (1988) Science 241:701. doi:10.1126/science.2899909
 *   Johnston GAR (2013) Br J Pharmacol 169:328. doi:10.1111/bph.12127
 *   Narahashi T (1974) Physiol Rev 54:813.
 *   Frey U, Krug M, Reymann KG, Matthies H (1988) Brain Res 452:57.
 *   Sumi M, Kiuchi K, Ishikawa T, et al. (1991) BBRC 181:968.
 *   Mothet JP, Parent AT, Wolosker H, et al. (2000) PNAS 97:4926. doi:10.1073/pnas.97.9.4926
 *   Panatier A, Theodosis DT, Mothet JP, et al. (2006) Cell 125:775. doi:10.1016/j.cell.2006.02.051
 */

export const DRUG_NAMES = ['APV', 'CNQX', 'bicuculline', 'TTX', 'anisomycin', 'KN-93', 'D-serine'] as const
export type DrugName = (typeof DRUG_NAMES)[number]

export interface DrugSpec {
  name: DrugName
  /** What it acts on, for people (legend, inspector, messages). */
  target: string
  /** Half-maximal concentration of its action (IC50, Ki or EC50), µM. */
  half_uM: number
  /** The concentration used when a scenario or the page does not give one, µM. */
  bath_uM: number
  /** Other names a user may type (case-insensitive). */
  aliases: string[]
}

export const DRUGS: Record<DrugName, DrugSpec> = {
  APV: { name: 'APV', target: 'NMDA receptors (competitive antagonist)', half_uM: 3, bath_uM: 50, aliases: ['AP5', 'D-AP5', 'D-APV'] },
  CNQX: { name: 'CNQX', target: 'AMPA receptors (competitive antagonist)', half_uM: 0.3, bath_uM: 10, aliases: [] },
  bicuculline: { name: 'bicuculline', target: 'GABA_A receptors (competitive antagonist)', half_uM: 2, bath_uM: 10, aliases: ['BIC', 'bicuculline methiodide'] },
  TTX: { name: 'TTX', target: 'voltage-gated Na⁺ channels: no action potentials', half_uM: 0.01, bath_uM: 1, aliases: ['tetrodotoxin'] },
  anisomycin: { name: 'anisomycin', target: 'protein synthesis: no late LTP', half_uM: 3.5, bath_uM: 20, aliases: ['ANI'] },
  'KN-93': { name: 'KN-93', target: 'CaMKII activation: no LTP induction', half_uM: 0.37, bath_uM: 10, aliases: ['KN93', 'CaMKII inhibitor'] },
  'D-serine': { name: 'D-serine', target: 'NMDA co-agonist (glycine) site', half_uM: 1, bath_uM: 100, aliases: ['DSer', 'D-Ser'] },
}

/** Mechanism parameters the drugs in the bath set (all 1 / false without drugs). */
export interface DrugEffects {
  readonly ampaGain: number
  readonly nmdaGain: number
  readonly gabaGain: number
  readonly spikesBlocked: boolean
  readonly proteinSynthesis: number
  readonly camkii: number
}

export const NO_DRUG_EFFECTS: DrugEffects = Object.freeze({
  ampaGain: 1,
  nmdaGain: 1,
  gabaGain: 1,
  spikesBlocked: false,
  proteinSynthesis: 1,
  camkii: 1,
})

/** The drug a user means by `name` (exact name or alias, case-insensitive), or undefined. */
export function drugNamed(name: string): DrugSpec | undefined {
  const key = name.trim().toLowerCase()
  for (const d of Object.values(DRUGS)) if (d.name.toLowerCase() === key || d.aliases.some((a) => a.toLowerCase() === key)) return d
  return undefined
}

/** Fraction of the target occupied at concentration c (Hill coefficient 1). */
export function occupancy(c_uM: number, half_uM: number): number {
  return c_uM > 0 ? c_uM / (c_uM + half_uM) : 0
}
