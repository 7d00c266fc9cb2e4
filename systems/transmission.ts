/**
 * Synaptic transmission: receptor conductances decay and take up the input that arrives this
 * step from the delay ring (systems/propagation.ts put it there `delaySteps` ago, and background
 * drive events of this step, systems/stimulation.ts).
 *
 * Between steps each conductance decays exactly (exponential integration):
 *   g_AMPA ← g_AMPA · exp(−dt/τ_AMPA)              g_GABA ← g_GABA · exp(−dt/τ_GABA)
 *   NMDA = difference of exponentials, g_NMDA = s_decay − s_rise,
 *   s_rise ← s_rise · exp(−dt/τ_rise),  s_decay ← s_decay · exp(−dt/τ_decay)
 * and an arriving glutamatergic weight w adds w to g_AMPA and r·w·κ to both NMDA states, where r is
 * the NMDA/AMPA ratio and κ normalises the NMDA waveform to a peak of r·w:
 *   t_peak = τ_r τ_d/(τ_d − τ_r) · ln(τ_d/τ_r),   κ = 1 / (exp(−t_peak/τ_d) − exp(−t_peak/τ_r))
 * δ input is summed into I_delta for this step only.
 *
 * | parameter       | unit | default | source                                   |
 * |-----------------|------|---------|------------------------------------------|
 * | tauAMPA_ms      | ms   | 5       | Vogels & Abbott 2005 (excitatory)        |
 * | tauNMDArise_ms  | ms   | 2       | Jahr & Stevens 1990; Shouval et al. 2002 |
 * | tauNMDAdecay_ms | ms   | 100     | Shouval et al. 2002                      |
 * | tauGABA_ms      | ms   | 10      | Vogels & Abbott 2005 (inhibitory)        |
 * | E_AMPA_mV, E_NMDA_mV | mV | 0    |                                          |
 * | E_GABA_mV       | mV   | −80     | Vogels & Abbott 2005                     |
 * | Mg_mM           | mM   | 1       | Jahr & Stevens 1990                      |
 * | nmdaRatio       | –    | 0.5     | NMDA/AMPA peak ratio (scene may change)  |
 *
 * Where it runs: not as a pass of its own — the membrane loop (systems/membrane.ts) applies the
 * decay and the arrivals to each neuron just before integrating it, with the constants of
 * `receptorConstants` (docs/architecture.md, "Departures from the design card"). Every channel that
 * exists is added whether or not something arrived (a branch on it was mispredicted a third of the
 * time), NMDA states are updated only while a glutamate channel exists (only it makes them
 * non-zero) and I_delta only while a δ channel exists (otherwise it stays 0).
 *
 * References: Jahr CE, Stevens CF (1990) J Neurosci 10:3178; Shouval HZ, Bear MF, Cooper LN (2002)
 *   PNAS 99:10831. doi:10.1073/pnas.152343099; Vogels TP, Abbott LF (2005) J Neurosci 25:10786.
 */
import type { Sim } from '../src/engine/world.ts'
import { exp, log } from '../src/engine/detmath.ts'

export function nmdaNorm(sim: Sim): number {
  const { tauNMDArise_ms: tr, tauNMDAdecay_ms: td } = sim.params.receptors
  if (td === tr) return Math.E / td // limit of the alpha function
  const tp = ((tr * td) / (td - tr)) * log(td / tr)
  return 1 / (exp(-tp / td) - exp(-tp / tr))
}

/** Slots of the receptor constants in a loop-constant array (see `receptorConstants`). */
export const R_DA = 0 // exp(−dt/τ_AMPA)
export const R_DR = 1 // exp(−dt/τ_rise)
export const R_DD = 2 // exp(−dt/τ_decay)
export const R_DG = 3 // exp(−dt/τ_GABA)
export const R_RK = 4 // r·κ: NMDA increment per unit of glutamatergic weight

/**
 * This step's decay factors and NMDA increment, written into slots 0–4 of `k`. The membrane loop
 * (systems/membrane.ts) reads them into locals and applies, per neuron n with slot j of the ring:
 *   g_AMPA ← g_AMPA·dA + glu[j] + ampa[j];   s_rise ← s_rise·dR + r·κ·glu[j];
 *   s_decay ← s_decay·dD + r·κ·glu[j];       g_GABA ← g_GABA·dG + gaba[j];   I_delta ← delta[j]
 * and clears the slot. Every channel that exists is added whether or not something arrived: about a
 * third of the neurons receive input in a step, and a branch on it was mispredicted that often.
 * (Adding a zero slot changes nothing, except that a conductance of −0 becomes +0.)
 */
export function receptorConstants(sim: Sim, k: Float64Array): void {
  const p = sim.params.receptors
  const dt = sim.time.dt_ms
  k[R_DA] = exp(-dt / p.tauAMPA_ms)
  k[R_DR] = exp(-dt / p.tauNMDArise_ms)
  k[R_DD] = exp(-dt / p.tauNMDAdecay_ms)
  k[R_DG] = exp(-dt / p.tauGABA_ms)
  k[R_RK] = p.nmdaRatio * nmdaNorm(sim)
}
