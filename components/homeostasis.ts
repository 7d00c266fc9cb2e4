/**
 * Homeostatic synaptic scaling: per-neuron state of the multiplicative scaling of a neuron's
 * excitatory input weights toward a target firing rate (dynamics: systems/synapticScaling.ts).
 *
 * Turrigiano et al. (1998) blocked activity in cortical cultures with TTX for 48 h and found every
 * mEPSC of a neuron scaled up by the same factor (the amplitude distribution stretched, not
 * shifted); raising activity with bicuculline scaled them down. van Rossum, Bi & Turrigiano (2000)
 * model this as a slow multiplicative rule driven by the postsynaptic activity a(t):
 *   dw_i/dt = β w_i (a_goal − a(t))                                     (their proportional term)
 * The same factor multiplies every excitatory input of the neuron, so ratios between its synapses
 * are kept exactly. Written with the time constant τ_scaling = 1 / (β a_goal):
 *   d ln w_i / dt = (1 − a(t)/a_goal) / τ_scaling
 * i.e. in complete silence the weights grow as e^(t/τ_scaling), and a = a_goal is the only fixed
 * point (ln w integrates the rate error, so no integral term is needed for zero steady-state error;
 * the paper's optional integral term γ w ∫(a_goal − a) dt is not implemented).
 *
 * Activity sensor a(t): the neuron's averaged firing rate (`activityRate_Hz`, systems/membraneCache.ts,
 * τ = params.activityTau_ms of fast time) read at each slow tick — the mean rate over the last
 * ~second of spiking. While slow time is fast-forwarded (no spiking), the sensor is the last measured
 * rate (`rate_Hz` below), or 0 under TTX (no action potentials, `drugEffects(sim).spikesBlocked`).
 *
 * | field     | unit | default                       | meaning                                              |
 * |-----------|------|-------------------------------|------------------------------------------------------|
 * | target_Hz | Hz   | given by the scene            | a_goal: the set point (the neuron's normal rate)     |
 * | tau_h     | h    | 69.2 = 48 h / ln 2            | τ_scaling (see below)                                |
 * | rate_Hz   | Hz   | –                             | sensor: last measured rate (read in fast-forward)    |
 * | scale     | –    | 1                             | product of all factors applied so far (readout)      |
 *
 * τ_scaling: with a = 0 the rule gives w(48 h)/w(0) = e^(48 h/τ). Turrigiano et al. (1998) scale
 * mEPSCs up multiplicatively after 48 h of TTX; in the same culture system Wierenga, Ibata &
 * Turrigiano (2005) find AMPA-receptor accumulation rising progressively over 2 d of blockade and
 * unitary connection strength "more than doubled". Taking a doubling in 48 h: τ = 48 h / ln 2 ≈ 69 h
 * (read from the experiments' magnitude; van Rossum et al.'s own β is not used here). Bounds (not
 * from the papers, a safety net): the cumulative scale stays in [SCALE_MIN, SCALE_MAX].
 * a_goal: there is no universal published value (in the experiments the set point is each neuron's
 * own pre-perturbation rate); scenes give it (scenes/scalingNetwork.ts: 5 Hz).
 *
 * References:
 *   Turrigiano GG, Leslie KR, Desai NS, Rutherford LC, Nelson SB (1998) Activity-dependent scaling
 *     of quantal amplitude in neocortical neurons. Nature 391:892. doi:10.1038/36103
 *   van Rossum MCW, Bi GQ, Turrigiano GG (2000) Stable Hebbian learning from spike timing-dependent
 *     plasticity. J Neurosci 20:8812. doi:10.1523/JNEUROSCI.20-23-08812.2000
 *   Wierenga CJ, Ibata K, Turrigiano GG (2005) Postsynaptic expression of homeostatic plasticity at
 *     neocortical synapses. J Neurosci 25:2895 (PMC6725152)
 *   Turrigiano GG (2008) The self-tuning neuron: synaptic scaling of excitatory synapses. Cell
 *     135:422. doi:10.1016/j.cell.2008.10.008
 */
import type { StoreSpec } from '../src/engine/store.ts'

/** Per neuron (a bitecs component on each neuron whose inputs scale). */
export const HomeostasisSpec = {
  on: 'u8', // 1 while the neuron scales (mirrors component membership, read in loops)
  target_Hz: 'f32',
  tau_h: 'f32',
  rate_Hz: 'f32',
  scale: 'f64',
} as const satisfies StoreSpec

/** τ_scaling default (h): 48 h of activity blockade double the weights (Turrigiano et al. 1998; Wierenga et al. 2005). */
export const SCALING_TAU_H = 48 / Math.LN2
/** Safety bounds of the cumulative scale factor (not from the papers). */
export const SCALE_MIN = 1e-3
export const SCALE_MAX = 1e3
