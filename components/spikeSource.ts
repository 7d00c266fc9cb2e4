/**
 * Spike sources: input neurons whose spike trains are a Poisson process of given rate instead of
 * the output of a membrane model (the "Poisson inputs" of Song, Miller & Abbott 2000 and of most
 * plasticity studies; NEST's `poisson_generator` → `parrot_neuron`, Brian's `PoissonGroup`).
 *
 * A source is a neuron entity (Neuron, Position, Receptors components; `Neuron.model` =
 * MODEL_SOURCE) without a membrane model, plus this component. It can be the presynaptic end of any
 * synapse — including plastic ones (STDP traces, iSTDP) — and its spikes enter `sim.spikes` in the
 * same step as the membrane's, so propagation, plasticity, probes and the events ring treat them
 * like every other spike (systems/spikeSources.ts). It has no membrane: input onto it is ignored.
 *
 * Process (discrete time, step dt): in every step the source fires with probability
 *   p = rate_Hz · dt_ms / 1000        (requires p ≤ 1; Bernoulli process, as Brian's PoissonGroup)
 * independently of every other step. The number of steps from one spike to the next is then
 * geometric, P(k) = (1 − p)^(k−1) p, drawn per spike as
 *   k = 1 + floor(E / c),   E ~ Exp(1),   c = −ln(1 − p)
 * (P(floor(E/c) ≥ m) = e^(−c·m) = (1 − p)^m), so a source costs one draw per spike and nothing in
 * steps without one. Rate = p/dt exactly; the ISI distribution tends to the exponential (CV → 1) as
 * p → 0: CV² = 1 − p.
 *
 * | field      | unit | meaning                                                                   |
 * |------------|------|---------------------------------------------------------------------------|
 * | rate_Hz    | Hz   | firing rate (0: silent)                                                   |
 * | nextStep   | step | fast step of the source's next spike (−1: none drawn yet / silent)        |
 *
 * References:
 *   Song S, Miller KD, Abbott LF (2000) Nat Neurosci 3:919. doi:10.1038/78829
 *   Dayan P, Abbott LF (2001) Theoretical Neuroscience, MIT Press, §1.4 (Poisson spike generators)
 */
import type { StoreSpec } from '../src/engine/store.ts'

/** `Neuron.model` of a spike source (after MODEL_IZHIKEVICH = 0 and MODEL_LIF = 1 of components/neuron.ts). */
export const MODEL_SOURCE = 2

export const SpikeSourceSpec = {
  rate_Hz: 'f64',
  nextStep: 'f64',
} as const satisfies StoreSpec
