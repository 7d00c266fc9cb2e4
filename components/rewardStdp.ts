/**
 * Dopamine-modulated STDP — the three-factor rule of Izhikevich (2007): STDP does not change the
 * weight directly but tags the synapse with an eligibility trace c, and the weight follows c only
 * while dopamine is present. The dynamics live in systems/rewardStdp.ts.
 *
 *   dc/dt = −c/τ_c + STDP(Δt)·δ(t − t_pre/post)          eligibility trace (per synapse)
 *   dw/dt = k · c · d                                      d: dopamine (µM) at the synapse
 *   STDP(Δt) = +A+ · e^(−Δt/τ+)  (post after pre, Δt = t_post − t_pre > 0)
 *              −A− · e^(Δt/τ−)   (pre after post)
 * w is kept in [0, w_max]. d is the dopamine concentration at the postsynaptic neuron
 * (systems/neuromodulation.ts: global level plus the grid cell's); Izhikevich's d obeys
 * dd/dt = −d/τ_d + DA(t) with τ_d = 0.2 s — the default dopamine clearance there.
 * Pair terms come from per-neuron traces (as systems/stdp.ts, Morrison et al. 2008): presynaptic
 * r and postsynaptic o, x ← x·e^(−dt/τ) every step, at a spike x ← 1 (nearest, the published
 * code's `STDP(fired) = 0.1`) or x ← x + 1 (all-to-all); a spike reads the other side's trace
 * before this step's bumps, so same-step spikes do not pair.
 *
 * Single pairing, then a dopamine puff raising d by Δd at time T after the post spike (d decays
 * with τ_d, nothing else): Δw = k · A+ e^(−Δt/τ+) · e^(−T/τ_c) · Δd · τ_c τ_d/(τ_c + τ_d). With
 * k = 1 /(µM·s), A+ = 1, Δt = 10 ms, τ+ = 20 ms, T = 1 s, τ_c = 1 s, τ_d = 0.2 s, Δd = 1/τ_d = 5 µM:
 * Δw = e^(−0.5)·e^(−1)·5·(1/6) = 0.18594 (VALIDATION item 9); T = 2 s gives e^(−1) = 0.368 of it.
 *
 * | rule field        | unit      | meaning                                                  |
 * |-------------------|-----------|----------------------------------------------------------|
 * | name              | –         | unique; synapses pick a rule by name                     |
 * | Aplus, Aminus     | –         | eligibility increments A+, A− (≥ 0; A− subtracts)        |
 * | tauPlus_ms, tauMinus_ms | ms  | STDP window time constants                               |
 * | tauC_ms           | ms        | eligibility decay τ_c                                    |
 * | k_per_uM_s        | 1/(µM·s)  | weight rate per unit eligibility and dopamine            |
 * | wMax              | weight    | upper bound (lower bound 0)                              |
 * | pairing           | –         | 'nearest' or 'allToAll'                                  |
 *
 * Presets (`REWARD_STDP_RULES`; index 0 is the placeholder "none"):
 * | name              | A+  | A−   | τ± (ms) | τ_c (ms) | k (1/(µM·s)) | w_max | pairing | source |
 * |-------------------|-----|------|---------|----------|--------------|-------|---------|--------|
 * | izhikevich2007    | 1   | 1.5  | 20      | 1000     | 1            | 4     | nearest | the paper's equations (Izhikevich 2007, Methods: A+ = 1, A− = 1.5, τ = 20 ms, τ_c = 1 s; dw/dt = c·d, t in s) |
 * | izhikevich2007Net | 0.1 | 0.15 | 20      | 1000     | 100          | 4     | nearest | the paper's published code daspnet.m (ModelDB 84167): trace 0.1, LTD 1.5×, `s += (0.002 + DA)·sd` every 10 ms (≡ k = 100 /s) with `sd ← 0.99·sd` per 10 ms (τ_c = 0.995 s ≈ 1 s), s_max = 4 |
 * Only the product k·A± sets the learning speed: the network preset is 10× the first. The code's
 * trace decays by 0.95 per ms (τ = 19.5 ms; the paper says 20 ms) and its STDP times are measured
 * from the spike's arrival (1 ms delay); here they are somatic spike times with τ = 20 ms.
 *
 * Stores: `RewardStdp` (per synapse: rule, eligibility referred to the epoch start, accumulator at
 * the last update — see systems/rewardStdp.ts) and `RewardTrace` (per neuron: pre/post traces; a
 * bitecs component on the neurons at either end of a reward synapse).
 *
 * References:
 *   Izhikevich EM (2007) Solving the distal reward problem through linkage of STDP and dopamine
 *     signaling. Cereb Cortex 17:2443. doi:10.1093/cercor/bhl152 (code: ModelDB 84167)
 *   Morrison A, Diesmann M, Gerstner W (2008) Biol Cybern 98:459. doi:10.1007/s00422-008-0233-1
 *   Potjans W, Morrison A, Diesmann M (2010) Front Comput Neurosci 4:141 (NEST stdp_dopamine_synapse)
 */
import type { StoreSpec } from '../src/engine/store.ts'

/** Per synapse (a synapse store). */
export const RewardStdpSpec = {
  rule: 'u8', // 0: none, else index into params.rewardStdpRules (or the presets)
  cRef: 'f64', // eligibility at the epoch start: c(t) = cRef · e^(−(t − T_e)/τ_c)
  H0: 'f64', // dopamine accumulator H (global + cell) at this synapse's last update
} as const satisfies StoreSpec

/** Per neuron (a bitecs component): nearest / all-to-all spike traces. */
export const RewardTraceSpec = {
  pre: 'f64',
  post: 'f64',
} as const satisfies StoreSpec

export interface RewardStdpRule {
  name: string
  Aplus: number
  Aminus: number
  tauPlus_ms: number
  tauMinus_ms: number
  tauC_ms: number
  k_per_uM_s: number
  wMax: number
  pairing: 'nearest' | 'allToAll'
}

export const REWARD_STDP_RULES: readonly RewardStdpRule[] = [
  { name: 'none', Aplus: 0, Aminus: 0, tauPlus_ms: 20, tauMinus_ms: 20, tauC_ms: 1000, k_per_uM_s: 0, wMax: 1, pairing: 'nearest' },
  { name: 'izhikevich2007', Aplus: 1, Aminus: 1.5, tauPlus_ms: 20, tauMinus_ms: 20, tauC_ms: 1000, k_per_uM_s: 1, wMax: 4, pairing: 'nearest' },
  { name: 'izhikevich2007Net', Aplus: 0.1, Aminus: 0.15, tauPlus_ms: 20, tauMinus_ms: 20, tauC_ms: 1000, k_per_uM_s: 100, wMax: 4, pairing: 'nearest' },
]

/** World-level state (`sim.state.rewardStdp`, JSON). */
export interface RewardStdpState {
  /** Epoch start T_e (ms): eligibilities and accumulators are referred to it. */
  epoch_ms: number
  /** Time of the last update of every synapse (ms). */
  lastFlush_ms: number
  /** ∫ d dt (global + largest grid cell) since the last full flush (µM·s): schedules full flushes. */
  dose_uM_s: number
  /** H_q(t) = ∫_{T_e}^t e^(−(u−T_e)/τ_c,q) d(u) du (µM·s) of the global dopamine, per rule index. */
  H: number[]
  /** The same over each grid cell's dopamine, per rule index (null: no field). */
  Hgrid: (number[] | null)[]
}

/** Check a rule; throws a message prefixed by `where`. */
export function validateRewardRule(r: RewardStdpRule, where: string): void {
  const fail = (m: string): never => {
    throw new Error(`${where}: ${m}`)
  }
  if (typeof r?.name !== 'string' || !r.name) fail('name must be a non-empty string')
  for (const k of ['Aplus', 'Aminus', 'k_per_uM_s'] as const) if (!(r[k] >= 0) || !Number.isFinite(r[k])) fail(`${k} must be a finite number ≥ 0`)
  for (const k of ['tauPlus_ms', 'tauMinus_ms', 'tauC_ms', 'wMax'] as const) if (!(r[k] > 0) || !Number.isFinite(r[k])) fail(`${k} must be a finite number > 0`)
  if (r.pairing !== 'nearest' && r.pairing !== 'allToAll') fail(`pairing must be "nearest" or "allToAll"`)
}
