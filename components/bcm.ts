/**
 * BCM sliding modification threshold (Bienenstock, Cooper & Munro 1982; the objective-function form
 * of Intrator & Cooper 1992), per neuron. Dynamics: systems/bcm.ts.
 *
 *   θ_M = E[y²] / y0,   as a running average:  τ_θ dθ_M/dt = y²/y0 − θ_M
 * y: the neuron's activity (its averaged firing rate, Hz; `activityRate_Hz`), y0: the activity scale
 * (a neuron that fires steadily at y0 has θ_M = y0). In the rate-based BCM rule
 *   dw_i/dt = η x_i y (y − θ_M)
 * a neuron seeing two equiprobable orthogonal patterns ends selective: the preferred pattern's response
 * y1 satisfies y1 = θ_M = ½ y1²/y0, so y1 = 2 y0, the other's response 0 (Intrator & Cooper 1992;
 * Cooper, Intrator, Blais & Shouval 2004, ch. 3).
 *
 * Rate-based units (systems/bcmRate.ts): neurons flagged `rate` that do not spike; an input unit's
 * activity y_Hz is set by the pattern presenter, an output unit's is y = Σ_i w_i x_i over its input
 * synapses (w = Synapse.weight, x = the presynaptic unit's y_Hz), and its input weights follow
 * dw_i/dt = η x_i y (y − θ_M), w ≥ 0.
 *
 * Coupling to the calcium-control rule (components/calciumControl.ts): the neuron's NMDA calcium is
 * scaled by y0/θ_M (`CalciumControlNeuron.nmdaScale`), so activity above y0 raises the effective
 * calcium thresholds and moves the LTD/LTP crossover frequency up, deprivation moves it down. The
 * mechanism is that of Shouval, Bear & Cooper (2002, "Metaplasticity", Fig. 5) and Yeung et al. (2004):
 * the sliding threshold as an activity-dependent NMDA receptor conductance (lower G_NMDA after more
 * activity), after the experience-dependent NR2A/NR2B changes of Quinlan et al. (1999) and Philpot et
 * al. (2001). The functional form G_NMDA ∝ y0/θ_M (θ_M = E[y²]/y0, so G_NMDA ∝ 1/E[y²]) is Neuroplast's
 * reduction tying Intrator & Cooper's θ_M to that conductance; the papers' own G_NMDA kinetics are not
 * reproduced, so the size of the crossover shift (item 8) is not a published number (reviewer note).
 *
 * | field    | unit | meaning                                              |
 * |----------|------|------------------------------------------------------|
 * | theta_Hz | Hz   | θ_M, the sliding threshold (starts at y0)            |
 * | y0_Hz    | Hz   | activity scale / set point                           |
 * | tau_ms   | ms   | τ_θ, averaging time of θ_M                           |
 * | y_Hz     | Hz   | activity over the last slow tick (rate units: response Σ w x) |
 * | rate     | –    | 1: a rate-based BCM unit (systems/bcmRate.ts), 0: spiking |
 * | eta      | 1/(s·Hz³) | η of the rate-based rule on the unit's input synapses (0: input unit) |
 *
 * References:
 *   Bienenstock EL, Cooper LN, Munro PW (1982) J Neurosci 2:32. doi:10.1523/JNEUROSCI.02-01-00032.1982
 *   Intrator N, Cooper LN (1992) Objective function formulation of the BCM theory of visual cortical
 *     plasticity. Neural Netw 5:3. doi:10.1016/S0893-6080(05)80003-6
 *   Shouval HZ, Bear MF, Cooper LN (2002) PNAS 99:10831. doi:10.1073/pnas.152343099
 *   Yeung LC, Shouval HZ, Blais BS, Cooper LN (2004) PNAS 101:14943. doi:10.1073/pnas.0405555101
 *   Kirkwood A, Rioult MG, Bear MF (1996) Nature 381:526 (experience shifts the crossover frequency)
 *   Philpot BD, Sekhar AK, Shouval HZ, Bear MF (2001) Neuron 29:157
 */
import type { StoreSpec } from '../src/engine/store.ts'

export const BcmSpec = {
  theta_Hz: 'f64',
  y0_Hz: 'f64',
  tau_ms: 'f64',
  y_Hz: 'f64',
  rate: 'u8',
  eta: 'f64',
} as const satisfies StoreSpec

/** θ_M never falls below this fraction of y0 (a silent neuron's NMDA scale stays finite). */
export const THETA_FLOOR = 1e-3

/** Pattern presentation of rate-based BCM units (JSON state, `sim.state.bcmPatterns`; systems/bcmRate.ts). */
export interface BcmPatterns {
  /** Input unit ids, in pattern-entry order. */
  inputs: number[]
  /** Output unit ids (rate units with η > 0), ascending. */
  outputs: number[]
  /** patterns[k][i]: rate (Hz) of input i in pattern k. */
  patterns: number[][]
  /** Index of the pattern presented in the last tick (−1: none yet). */
  current: number
}
