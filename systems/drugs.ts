/**
 * Drug application and washout, and the effects the mechanisms read (models, targets, IC50s and
 * references in components/drugs.ts).
 *
 * State: `sim.state.drugs` maps a drug name to its bath concentration in µM (absent: none). It is
 * replaced, never mutated, on every change, so the derived effects can be cached against it.
 * Consumers:
 *   - systems/membrane.ts   ampaGain, nmdaGain, gabaGain on conductance arrivals; TTX (spikes, drive)
 *   - systems/calciumPlasticity.ts  C_pre × nmdaGain (NMDA-borne calcium), γ_p × camkii
 *   - other plasticity systems read `drugEffects(sim)` the same way (NMDA calcium × nmdaGain,
 *     LTP induction × camkii, protein synthesis × proteinSynthesis).
 * There is no per-step system: a drug acts from the step after it is applied until it is washed.
 */
import type { Sim } from '../src/engine/world.ts'
import { DRUGS, DRUG_NAMES, NO_DRUG_EFFECTS, drugNamed, occupancy, type DrugEffects, type DrugName } from '../components/drugs.ts'

export type DrugState = Partial<Record<DrugName, number>>

/** Throws an Error naming the drugs there are when `name` is not one of them. */
export function resolveDrug(name: string): DrugName {
  const d = drugNamed(name)
  if (!d) throw new Error(`unknown drug ${JSON.stringify(name)} (drugs: ${DRUG_NAMES.join(', ')})`)
  return d.name
}

/** Put `name` in the bath at `concentration_uM` (default: its usual bath concentration). */
export function applyDrug(sim: Sim, name: string, concentration_uM?: number): void {
  const drug = resolveDrug(name)
  const c = concentration_uM ?? DRUGS[drug].bath_uM
  if (!(Number.isFinite(c) && c >= 0)) throw new Error(`${drug}: concentration must be a finite number ≥ 0 µM, got ${c}`)
  const next: DrugState = { ...(sim.state.drugs ?? {}) }
  if (c === 0) delete next[drug]
  else next[drug] = c
  setDrugs(sim, next)
}

/** Wash `name` out of the bath (a no-op when it is not there). */
export function washDrug(sim: Sim, name: string): void {
  const drug = resolveDrug(name)
  if (sim.state.drugs?.[drug] === undefined) return
  const next: DrugState = { ...sim.state.drugs }
  delete next[drug]
  setDrugs(sim, next)
}

/** Wash every drug out. */
export function washAllDrugs(sim: Sim): void {
  if (sim.state.drugs !== undefined) setDrugs(sim, {})
}

function setDrugs(sim: Sim, next: DrugState): void {
  // An empty bath leaves no trace in the state, so a world that never saw a drug and one whose
  // drugs were all washed hash the same.
  if (Object.keys(next).length === 0) delete sim.state.drugs
  else sim.state.drugs = next
}

/** The drugs in the bath now, with their concentrations (µM). */
export function drugsApplied(sim: Sim): DrugState {
  return { ...(sim.state.drugs ?? {}) }
}

const cache = new WeakMap<DrugState, DrugEffects>()

/** What the drugs in the bath do to the mechanisms (NO_DRUG_EFFECTS when there are none). */
export function drugEffects(sim: Sim): DrugEffects {
  const d = sim.state.drugs
  if (d === undefined) return NO_DRUG_EFFECTS
  let e = cache.get(d)
  if (e === undefined) {
    e = computeEffects(d, sim.params.receptors.coagonistOccupancy ?? 1)
    cache.set(d, e)
  }
  return e
}

function block(d: DrugState, name: DrugName): number {
  return occupancy(d[name] ?? 0, DRUGS[name].half_uM)
}

/** The effects of a bath (pure; exported for tests). `q0`: resting occupancy of the co-agonist site. */
export function computeEffects(d: DrugState, q0 = 1): DrugEffects {
  // Synaptic weights are as built at the scene's resting occupancy q0; D-serine fills the rest.
  const coagonist = q0 > 0 ? (q0 + (1 - q0) * block(d, 'D-serine')) / q0 : 1
  return Object.freeze({
    ampaGain: 1 - block(d, 'CNQX'),
    nmdaGain: (1 - block(d, 'APV')) * coagonist,
    gabaGain: 1 - block(d, 'bicuculline'),
    spikesBlocked: block(d, 'TTX') > 0.5,
    proteinSynthesis: 1 - block(d, 'anisomycin'),
    camkii: 1 - block(d, 'KN-93'),
  })
}

/** Whether the bath changes anything (the mechanisms then take their plain, drug-free path). */
export function hasDrugEffects(e: DrugEffects): boolean {
  return e !== NO_DRUG_EFFECTS
}
