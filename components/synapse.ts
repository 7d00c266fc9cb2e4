/**
 * Synapse components: the link (pre → post), its strength and receptor, its axonal delay, and
 * optional Tsodyks–Markram short-term plasticity.
 *
 * Synapses are entities: their ids come from the world's entity index like every other entity, and
 * their data lives in these SoA stores indexed by eid. They do not carry bitecs component sets
 * (measured: ≈ 235 B of heap and 1.5 µs per entity; see docs/architecture.md) — membership is the
 * `alive` flag, and the engine keeps the pre/post adjacency index in step with every birth and
 * removal (src/engine/synapses.ts).
 *
 * Delay: the spike leaves the soma of `pre` and arrives at `post` after
 *   delay_ms = synDelay_ms + pathLength_um / (1000 · v_axon_m_per_s)      (1 m/s = 1000 µm/ms)
 *   delaySteps = max(1, round(delay_ms / dt_ms))
 * and is delivered exactly `delaySteps` fast steps after the presynaptic spike.
 *
 * Receptors: a glutamatergic synapse opens AMPA and NMDA (NMDA peak = nmdaRatio · weight, the
 * scene's NMDA/AMPA ratio); GABAergic synapses open GABA_A; δ synapses add `weight` to the
 * postsynaptic current for one step (Izhikevich 2003 network).
 *
 * Tsodyks–Markram short-term plasticity (event-driven, exact between spikes), per spike:
 *   u ← U + u (1 − U) exp(−Δt/τ_F)        (facilitation; u is the release probability)
 *   x ← 1 − (1 − x) exp(−Δt/τ_D)          (recovery of resources)
 *   efficacy = weight · u · x ;  x ← x − u x
 * Profiles (U, τ_D, τ_F) live in the world's `params.stpProfiles`; profile 0 means "no STP".
 *
 * | field          | unit | meaning                                                     |
 * |----------------|------|-------------------------------------------------------------|
 * | weight         | nS or model units (Izhikevich) or current for δ synapses | peak AMPA / GABA conductance |
 * | pathLength_um  | µm   | axonal path from the presynaptic soma                       |
 * | delaySteps     | step | transmission delay in fast steps (≥ 1)                       |
 * | pathway        | –    | input pathway label (e.g. S1 / S2 Schaffer inputs)           |
 *
 * References:
 *   Tsodyks MV, Markram H (1997) PNAS 94:719. doi:10.1073/pnas.94.2.719
 *   Tsodyks M, Pawelzik K, Markram H (1998) Neural Comput 10:821. doi:10.1162/089976698300017502
 *   Jahr CE, Stevens CF (1990) J Neurosci 10:3178 (NMDA Mg²⁺ block)
 */
import type { StoreSpec } from '../src/engine/store.ts'

export const RECEPTOR_GLUTAMATE = 0 // AMPA + NMDA
export const RECEPTOR_AMPA = 1 // AMPA only
export const RECEPTOR_GABA_A = 2
export const RECEPTOR_DELTA = 3 // current-based, one step
export const RECEPTOR_NAMES = ['glutamate', 'AMPA', 'GABA_A', 'delta'] as const
export type ReceptorName = (typeof RECEPTOR_NAMES)[number]

export const SynapseSpec = {
  alive: 'u8',
  pre: 'u32',
  post: 'u32',
  weight: 'f32',
  receptor: 'u8',
  pathway: 'u8',
  pathLength_um: 'f32',
  delaySteps: 'u16',
} as const satisfies StoreSpec

export const ShortTermSpec = {
  profile: 'u8', // 0: none, else index into params.stpProfiles
  u: 'f32',
  x: 'f32',
  lastSpike_ms: 'f64',
} as const satisfies StoreSpec

export interface StpProfile {
  name: string
  U: number
  tauD_ms: number
  tauF_ms: number
}

/** Published profiles: depressing and facilitating cortical synapses (Markram et al. 1998, Table). */
export const STP_PROFILES: StpProfile[] = [
  { name: 'none', U: 1, tauD_ms: 0, tauF_ms: 0 },
  { name: 'depressing', U: 0.5, tauD_ms: 800, tauF_ms: 0 },
  { name: 'facilitating', U: 0.05, tauD_ms: 100, tauF_ms: 1000 },
]

/** Maximum delay a synapse may have, in fast steps (the delay ring grows up to this). */
export const MAX_DELAY_STEPS = 65535
