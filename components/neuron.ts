/**
 * Neuron components: membrane state, position in the tissue, model parameters, receptor
 * conductances and tonic drive.
 *
 * Two point-neuron models share the `Neuron` component (membrane potential, spike flags) and each
 * has its own parameter component:
 *
 * Izhikevich (2003) simple model, v in mV, t in ms, C = 1 (currents in mV/ms):
 *   dv/dt = 0.04 v² + 5 v + 140 − u + I
 *   du/dt = a (b v − u)
 *   if v ≥ 30 mV: v ← c, u ← u + d
 *
 * Conductance-based leaky integrate-and-fire (Vogels & Abbott 2005 form), V in mV, C in pF, g in nS:
 *   C dV/dt = g_L (E_L − V) + I_syn + I_ext        (I in pA)
 *   if V ≥ V_th: V ← V_reset, clamp for t_ref
 *
 * Synaptic input, for both models (receptor conductances decay between arrivals, see systems/transmission):
 *   I_syn = g_AMPA (E_AMPA − v) + g_NMDA B(v) (E_NMDA − v) + g_GABA (E_GABA − v) + I_delta
 *   B(v) = 1 / (1 + [Mg²⁺]/3.57 · exp(−0.062 v))         (Jahr & Stevens 1990)
 * For Izhikevich neurons conductances are in the model's units (C = 1, so g is in 1/ms); for the
 * LIF they are in nS.
 *
 * | Izhikevich type | a    | b    | c (mV) | d    | firing class (Izhikevich 2003, Fig. 2)      |
 * |-----------------|------|------|--------|------|---------------------------------------------|
 * | RS              | 0.02 | 0.2  | −65    | 8    | regular spiking, adapting                   |
 * | IB              | 0.02 | 0.2  | −55    | 4    | intrinsically bursting: burst, then tonic   |
 * | CH              | 0.02 | 0.2  | −50    | 2    | chattering: repeated bursts                 |
 * | FS              | 0.1  | 0.2  | −65    | 2    | fast spiking, no adaptation                 |
 * | LTS             | 0.02 | 0.25 | −65    | 2    | low-threshold spiking                       |
 * | TC              | 0.02 | 0.25 | −65    | 0.05 | thalamo-cortical: rebound burst             |
 * | RZ              | 0.1  | 0.26 | −65    | 2    | resonator                                   |
 *
 * | LIF parameter | unit | default | source                     |
 * |---------------|------|---------|----------------------------|
 * | C_pF          | pF   | 200     | Vogels & Abbott 2005       |
 * | gL_nS         | nS   | 10      | (τ_m = 20 ms)              |
 * | EL_mV         | mV   | −60     |                            |
 * | Vth_mV        | mV   | −50     |                            |
 * | Vreset_mV     | mV   | −60     |                            |
 * | tRef_ms       | ms   | 5       |                            |
 *
 * References:
 *   Izhikevich EM (2003) Simple model of spiking neurons. IEEE TNN 14:1569. doi:10.1109/TNN.2003.820440
 *   Vogels TP, Abbott LF (2005) J Neurosci 25:10786. doi:10.1523/JNEUROSCI.3508-05.2005
 *   Jahr CE, Stevens CF (1990) J Neurosci 10:3178. doi:10.1523/JNEUROSCI.10-09-03178.1990
 */
import type { StoreSpec } from '../src/engine/store.ts'

export const MODEL_IZHIKEVICH = 0
export const MODEL_LIF = 1

/** Membrane state and per-step flags common to every neuron model. */
export const NeuronSpec = {
  model: 'u8', // MODEL_IZHIKEVICH | MODEL_LIF
  cellType: 'u8', // index into IZH_TYPE_NAMES (Izhikevich) or 0 (LIF)
  excitatory: 'u8', // 1 excitatory (glutamatergic), 0 inhibitory (GABAergic)
  region: 'u8', // index into the scene's region names
  population: 'u16', // index into the scene's population names
  v_mV: 'f64',
  I_ext: 'f64', // external current this step (stimulation), reset every step
  I_bias: 'f64', // tonic current
  noiseSigma: 'f64', // SD of a fresh Gaussian current drawn every step (thalamic input, Izhikevich 2003)
  lastSpike_ms: 'f64',
  refractoryUntil_ms: 'f64',
  spiked: 'u8', // 1 during the step in which the neuron fired
  forceSpike: 'u8', // set by stimulation: fire this step (axonal activation by an electrode)
  axonVelocity_m_per_s: 'f32', // conduction velocity of this neuron's axon
  rate_Hz: 'f32', // averaged firing rate (τ = activityTau_ms) as of the last spike; read it with activityRate_Hz (systems/membrane.ts)
} as const satisfies StoreSpec

export const PositionSpec = {
  x_um: 'f32',
  y_um: 'f32',
} as const satisfies StoreSpec

export const IzhikevichSpec = {
  a: 'f64',
  b: 'f64',
  c_mV: 'f64',
  d: 'f64',
  u: 'f64',
} as const satisfies StoreSpec

export const LIFSpec = {
  C_pF: 'f64',
  gL_nS: 'f64',
  EL_mV: 'f64',
  Vth_mV: 'f64',
  Vreset_mV: 'f64',
  tRef_ms: 'f64',
} as const satisfies StoreSpec

/**
 * Receptor conductances of the postsynaptic membrane. NMDA is a difference of exponentials
 * (g = nmdaDecay − nmdaRise); `I_delta` collects current-based (δ) synaptic input for one step.
 */
export const ReceptorsSpec = {
  g_AMPA: 'f64',
  nmdaRise: 'f64',
  nmdaDecay: 'f64',
  g_GABA: 'f64',
  I_delta: 'f64',
} as const satisfies StoreSpec

/**
 * External Poisson drive (background synaptic bombardment): events arrive at `rate_Hz`, each adding
 * `weight` to the receptor `receptor` (see RECEPTOR_*). At low rates (λ = rate · dt < 0.5 events per
 * step) only the next event time is stored and inter-event intervals are drawn when an event is
 * consumed, so the cost is per event; at higher rates each step's count is drawn from Poisson(λ) by
 * table inversion and `nextEvent_ms` stays −1 (systems/stimulation.ts).
 */
export const DriveSpec = {
  rate_Hz: 'f64',
  weight: 'f32',
  receptor: 'u8',
  nextEvent_ms: 'f64',
} as const satisfies StoreSpec

export const IZH_TYPE_NAMES = ['RS', 'IB', 'CH', 'FS', 'LTS', 'TC', 'RZ'] as const
export type IzhType = (typeof IZH_TYPE_NAMES)[number]

export const IZH_TYPES: Record<IzhType, { a: number; b: number; c_mV: number; d: number }> = {
  RS: { a: 0.02, b: 0.2, c_mV: -65, d: 8 },
  IB: { a: 0.02, b: 0.2, c_mV: -55, d: 4 },
  CH: { a: 0.02, b: 0.2, c_mV: -50, d: 2 },
  FS: { a: 0.1, b: 0.2, c_mV: -65, d: 2 },
  LTS: { a: 0.02, b: 0.25, c_mV: -65, d: 2 },
  TC: { a: 0.02, b: 0.25, c_mV: -65, d: 0.05 },
  RZ: { a: 0.1, b: 0.26, c_mV: -65, d: 2 },
}

export const LIF_DEFAULTS = { C_pF: 200, gL_nS: 10, EL_mV: -60, Vth_mV: -50, Vreset_mV: -60, tRef_ms: 5 }

/** Izhikevich spike cut-off (mV). */
export const IZH_VPEAK_mV = 30
