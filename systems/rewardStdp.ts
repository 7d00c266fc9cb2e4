/**
 * Dopamine-modulated STDP (Izhikevich 2007): eligibility traces tagged by spike pairings, turned
 * into weight change by dopamine. Model, equations, parameter table and presets:
 * components/rewardStdp.ts. Runs after the other plasticity systems and before neuromodulation, so
 * step n integrates the dopamine present at the start of step n.
 *
 * Event-driven and exact between events. Eligibility decays exponentially, so each synapse keeps
 * it referred to an epoch start T_e:  c(t) = cRef·e^(−(t−T_e)/τ_c). The dopamine is summed once per
 * step for the whole world (per rule, and per grid cell when there is a spatial field) into
 *   H(t) = ∫_{T_e}^{t} e^(−(u−T_e)/τ_c) d(u) du
 * so a synapse's weight change between two of its updates t0 < t1 is, exactly,
 *   Δw = k · cRef · (H(t1) − H(t0)),   then clipped to [0, w_max].
 * Between two updates c has one sign and d ≥ 0, so w moves monotonically and clipping at the end
 * equals clipping all along. The per-step integral is closed-form for the dopamine's own dynamics
 * within the step (exponential relaxation to the tonic steady state d_ss = R·τ_d):
 *   ∫_t^{t+dt} e^(−(u−T_e)/τ_c) d(u) du = e^(−(t−T_e)/τ_c) · [d_ss τ_c (1 − e^(−dt/τ_c)) + (d(t) − d_ss) τ' (1 − e^(−dt/τ'))],
 *   1/τ' = 1/τ_c + 1/τ_d   (grid cells: d_ss = 0; diffusion within the step is neglected).
 * A synapse is updated ("flushed"): before its eligibility changes (a spike of either end), and
 * all synapses together ("full flush") once the dopamine dose since the last full flush could
 * have moved a weight by 10⁻³·w_max (max(A±)·k·∫d dt ≥ 10⁻³·w_max, ∫d over the global level plus
 * the largest grid cell), but not more often than every 10 ms (the published code updates weights
 * every 10 ms); the epoch is re-referenced at every full flush (T_e moves to now) and at the
 * latest after 5 τ_c, so e^((t−T_e)/τ_c) ≤ e^5 and H's differences keep ≥ 13 digits. Spike
 * delivery (which runs before this system) thus sees a weight that lags the exact one by at most
 * 10⁻³·w_max, or by the dopamine of the last 10 ms during a strong puff, as in the paper's code.
 * With no dopamine at all the cost is the trace decay and the spike rows (as systems/stdp.ts);
 * nothing at all in worlds without reward synapses.
 *
 * Per step (t = step·dt): decay traces → for each spike, out-row: flush, c −= A−·o[post]
 * (depression), in-row: flush, c += A+·r[pre] (potentiation) → bump traces → H += step integral →
 * full flush when due.
 *
 * References: Izhikevich EM (2007) Cereb Cortex 17:2443. doi:10.1093/cercor/bhl152;
 *   Morrison A, Diesmann M, Gerstner W (2008) Biol Cybern 98:459.
 */
import { addComponent, hasComponent } from 'bitecs'
import type { Sim } from '../src/engine/world.ts'
import { adjacency, type Adjacency } from '../src/engine/adjacency.ts'
import { exp } from '../src/engine/detmath.ts'
import { ensure, clearEntity } from '../src/engine/store.ts'
import { REWARD_STDP_RULES, validateRewardRule, type RewardStdpRule, type RewardStdpState } from '../components/rewardStdp.ts'
import { DOPAMINE } from '../components/neuromodulator.ts'
import { modulatorParams, cellOf } from './neuromodulation.ts'

/** Full-flush period while dopamine is present (ms). */
export const FLUSH_MS = 10
/** A full flush is due once a weight could lag by this fraction of w_max. */
const STALE_FRACTION = 1e-3
/** Longest epoch, in units of the shortest τ_c in use. */
const MAX_EPOCH_TAU = 5

export function rewardRules(sim: Sim): readonly RewardStdpRule[] {
  return sim.params.rewardStdpRules ?? REWARD_STDP_RULES
}

/** Index of a rule by index or name (0 / "none": no plasticity). */
export function resolveRewardRule(sim: Sim, rule: number | string): number {
  const rules = rewardRules(sim)
  const i = typeof rule === 'number' ? rule : rule === 'none' ? 0 : rules.findIndex((r) => r.name === rule)
  if (!Number.isInteger(i) || i < 0 || i >= rules.length)
    throw new Error(`unknown reward-STDP rule ${JSON.stringify(rule)} (rules: ${rules.map((r) => r.name).join(', ')})`)
  if (i > 0) validateRewardRule(rules[i]!, `reward-STDP rule "${rules[i]!.name}"`)
  return i
}

interface Cache {
  rebuilds: number
  version: number
  members: Uint32Array
  isMember: Uint8Array
  synapses: Uint32Array
  used: number[]
}
const caches = new WeakMap<Sim, Cache>()
const versions = new WeakMap<Sim, number>()

/** Give synapse `s` a reward rule (and its two neurons traces). Called by addSynapse. */
export function setRewardRule(sim: Sim, s: number, rule: number): void {
  const q = resolveRewardRule(sim, rule)
  ensure(sim.stores.RewardStdp, s) // an optional synapse store: allocated on first use
  const R = sim.components.RewardStdp
  R.rule[s] = q
  R.cRef[s] = 0
  R.H0[s] = 0
  if (q !== 0) {
    const st = rewardState(sim)
    R.H0[s] = currentH(sim, st, q, s)
    const T = sim.stores.RewardTrace
    for (const n of [sim.components.Synapse.pre[s]!, sim.components.Synapse.post[s]!]) {
      if (hasComponent(sim.world, n, T.data)) continue
      ensure(T, n)
      clearEntity(T, n)
      addComponent(sim.world, n, T.data)
    }
  }
  versions.set(sim, (versions.get(sim) ?? 0) + 1)
}

function rewardState(sim: Sim): RewardStdpState {
  const t = sim.time.step * sim.time.dt_ms
  const st = (sim.state.rewardStdp ??= { epoch_ms: t, lastFlush_ms: t, dose_uM_s: 0, H: [], Hgrid: [] })
  // Dense arrays (no holes), one entry per rule, so the JSON state reads back identically.
  const n = rewardRules(sim).length
  while (st.H.length < n) st.H.push(0)
  while (st.Hgrid.length < n) st.Hgrid.push(null)
  return st
}

function cacheFor(sim: Sim, adj: Adjacency): Cache {
  const v = versions.get(sim) ?? 0
  let c = caches.get(sim)
  if (c && c.rebuilds === adj.rebuilds && c.version === v) return c
  const { alive, pre, post } = sim.components.Synapse
  const rule = sim.components.RewardStdp.rule
  const isMember = new Uint8Array(sim.stores.Neuron.capacity)
  const syn: number[] = []
  const used = new Set<number>()
  const top = Math.min(alive.length, rule.length)
  for (let s = 1; s < top; s++) {
    if (alive[s] === 0 || rule[s] === 0) continue
    syn.push(s)
    used.add(rule[s]!)
    isMember[pre[s]!] = 1
    isMember[post[s]!] = 1
  }
  const members: number[] = []
  for (let n = 0; n < isMember.length; n++) if (isMember[n]) members.push(n)
  c = { rebuilds: adj.rebuilds, version: v, members: Uint32Array.from(members), isMember, synapses: Uint32Array.from(syn), used: [...used].sort((a, b) => a - b) }
  caches.set(sim, c)
  return c
}

/** H (global + the synapse's cell) of rule q now. */
function currentH(sim: Sim, st: RewardStdpState, q: number, s: number): number {
  let h = st.H[q]!
  const g = st.Hgrid[q]
  if (g) {
    const grid = sim.state.neuromodulation!.grid!
    const P = sim.components.Position
    const n = sim.components.Synapse.post[s]!
    h += g[cellOf(grid, P.x_um[n]!, P.y_um[n]!)]!
  }
  return h
}

/** Bring synapse s's weight up to date (exact; see the header). */
function flush(sim: Sim, st: RewardStdpState, rules: readonly RewardStdpRule[], s: number): void {
  const R = sim.components.RewardStdp
  const q = R.rule[s]!
  const h = currentH(sim, st, q, s)
  const dH = h - R.H0[s]!
  R.H0[s] = h
  const c = R.cRef[s]!
  if (dH === 0 || c === 0) return
  const W = sim.components.Synapse.weight
  const r = rules[q]!
  const w = W[s]! + r.k_per_uM_s * c * dH
  W[s] = w < 0 ? 0 : w > r.wMax ? r.wMax : w
}

/** Eligibility c of synapse s now. */
export function eligibility(sim: Sim, s: number): number {
  const R = sim.components.RewardStdp
  const q = R.rule[s]!
  const st = sim.state.rewardStdp
  if (q === 0 || !st) return 0
  return R.cRef[s]! * exp(-(sim.time.step * sim.time.dt_ms - st.epoch_ms) / rewardRules(sim)[q]!.tauC_ms)
}

/** Bring every reward synapse's weight up to date now (for readers that need exact weights). */
export function flushRewardWeights(sim: Sim): void {
  const st = sim.state.rewardStdp
  if (!st) return
  const c = cacheFor(sim, adjacency(sim))
  const rules = rewardRules(sim)
  for (let i = 0; i < c.synapses.length; i++) flush(sim, st, rules, c.synapses[i]!)
}

// ---------------------------------------------------------------------------------------------
// The system
// ---------------------------------------------------------------------------------------------

export function rewardStdp(sim: Sim): void {
  if (!sim.state.rewardStdp) return
  const adj = adjacency(sim)
  const c = cacheFor(sim, adj)
  if (c.synapses.length === 0) return
  const st = rewardState(sim)
  const rules = rewardRules(sim)
  const r0 = rules[c.used[0]!]!
  for (const q of c.used) {
    const r = rules[q]!
    if (r.tauPlus_ms !== r0.tauPlus_ms || r.tauMinus_ms !== r0.tauMinus_ms || r.pairing !== r0.pairing)
      throw new Error(`reward-STDP rules "${r0.name}" and "${r.name}" are both in use but differ in τ+, τ− or pairing (traces are per neuron)`)
  }
  const dt = sim.time.dt_ms
  const t = sim.time.step * dt
  const T = sim.components.RewardTrace
  const { pre: rTr, post: oTr } = T
  const kP = exp(-dt / r0.tauPlus_ms)
  const kM = exp(-dt / r0.tauMinus_ms)
  const members = c.members
  for (let i = 0; i < members.length; i++) {
    const n = members[i]!
    rTr[n]! *= kP
    oTr[n]! *= kM
  }
  const count = sim.spikes.count
  if (count > 0) spikes(sim, st, rules, c, adj, t, count)
  integrate(sim, st, rules, c.used, t, dt)
  const tauMin = Math.min(...c.used.map((q) => rules[q]!.tauC_ms))
  const tNext = t + dt
  let speed = 0 // max over rules in use of max(A±)·k/w_max
  for (const q of c.used) {
    const r = rules[q]!
    speed = Math.max(speed, (Math.max(r.Aplus, r.Aminus) * r.k_per_uM_s) / r.wMax)
  }
  const due = speed * st.dose_uM_s >= STALE_FRACTION && tNext - st.lastFlush_ms >= FLUSH_MS - 1e-9
  if (due || tNext - st.epoch_ms >= MAX_EPOCH_TAU * tauMin) rebase(sim, st, rules, c, tNext)
}

function spikes(sim: Sim, st: RewardStdpState, rules: readonly RewardStdpRule[], c: Cache, adj: Adjacency, t: number, count: number): void {
  const ids = sim.spikes.ids
  const R = sim.components.RewardStdp
  const { pre, post } = sim.components.Synapse
  const { pre: rTr, post: oTr } = sim.components.RewardTrace
  const { preStart, preSyn, postStart, postSyn } = adj
  const isMember = c.isMember
  const nearest = rules[c.used[0]!]!.pairing === 'nearest'
  // Eligibility increments are referred to the epoch start: Δc·e^((t − T_e)/τ_c).
  const up = rules.map((r, q) => (q === 0 ? 0 : exp((t - st.epoch_ms) / r.tauC_ms)))
  for (let i = 0; i < count; i++) {
    const n = ids[i]!
    if (n >= isMember.length || isMember[n] !== 1) continue
    for (let k = preStart[n]!; k < preStart[n + 1]!; k++) {
      const s = preSyn[k]!
      const q = R.rule[s]!
      if (q === 0) continue
      const o = oTr[post[s]!]!
      if (o === 0) continue
      flush(sim, st, rules, s)
      R.cRef[s]! -= rules[q]!.Aminus * o * up[q]!
    }
    for (let k = postStart[n]!; k < postStart[n + 1]!; k++) {
      const s = postSyn[k]!
      const q = R.rule[s]!
      if (q === 0) continue
      const r = rTr[pre[s]!]!
      if (r === 0) continue
      flush(sim, st, rules, s)
      R.cRef[s]! += rules[q]!.Aplus * r * up[q]!
    }
  }
  for (let i = 0; i < count; i++) {
    const n = ids[i]!
    if (n >= isMember.length || isMember[n] !== 1) continue
    rTr[n] = nearest ? 1 : rTr[n]! + 1
    oTr[n] = nearest ? 1 : oTr[n]! + 1
  }
}

/** Add this step's dopamine integral to every H (global, and per cell when there is a field). */
function integrate(sim: Sim, st: RewardStdpState, rules: readonly RewardStdpRule[], used: number[], t: number, dt: number): void {
  const nm = sim.state.neuromodulation
  if (!nm) return
  const G = nm.global[DOPAMINE]!
  const R = nm.tonic[DOPAMINE]!
  const field = nm.grid?.fields[DOPAMINE] ?? null
  if (G === 0 && R === 0 && field === null) return
  const tauD = modulatorParams(sim).modulators[DOPAMINE]!.tau_ms
  let peak = 0
  if (field) for (let k = 0; k < field.length; k++) if (field[k]! > peak) peak = field[k]!
  st.dose_uM_s += ((G + peak) * dt) / 1000
  for (const q of used) {
    const tauC = rules[q]!.tauC_ms
    const tauP = 1 / (1 / tauC + 1 / tauD)
    const E = exp(-(t - st.epoch_ms) / tauC) / 1000 // ms → s
    const fP = tauP * (1 - exp(-dt / tauP))
    if (G !== 0 || R !== 0) {
      const dss = (R * tauD) / 1000
      st.H[q] = st.H[q]! + E * (dss * tauC * (1 - exp(-dt / tauC)) + (G - dss) * fP)
    }
    if (field) {
      let h = st.Hgrid[q]
      if (!h) {
        h = new Array<number>(field.length).fill(0)
        st.Hgrid[q] = h
      }
      const a = E * fP
      for (let k = 0; k < field.length; k++) if (field[k] !== 0) h[k]! += a * field[k]!
    }
  }
}

/** Flush every synapse and move the epoch to `tNew` (accumulators restart at 0). */
function rebase(sim: Sim, st: RewardStdpState, rules: readonly RewardStdpRule[], c: Cache, tNew: number): void {
  const R = sim.components.RewardStdp
  const shrink = rules.map((r, q) => (q === 0 ? 0 : exp(-(tNew - st.epoch_ms) / r.tauC_ms)))
  for (let i = 0; i < c.synapses.length; i++) {
    const s = c.synapses[i]!
    flush(sim, st, rules, s)
    R.cRef[s]! *= shrink[R.rule[s]!]!
    R.H0[s] = 0
  }
  st.H = st.H.map(() => 0)
  st.Hgrid = st.Hgrid.map(() => null)
  st.epoch_ms = tNew
  st.lastFlush_ms = tNew
  st.dose_uM_s = 0
}
