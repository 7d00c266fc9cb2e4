/**
 * Neuromodulation: release, diffusion and clearance of dopamine, acetylcholine and noradrenaline
 * (model, constants and sources: components/neuromodulator.ts), and reward contingencies. A fast
 * system, after the plasticity systems: plasticity in step n sees the concentrations at the start
 * of step n (including puffs the timeline made just before it); this system then advances them to
 * the start of step n + 1.
 *
 * Per step dt, in this order:
 *   1. contingencies  spikes of this step schedule rewards; rewards due now are released (global)
 *   2. tonic sites    F += R_site·dt over each tonic site's disc
 *   3. global         G ← G_ss + (G − G_ss)·e^(−dt/τ),  G_ss = R·τ        (exact for constant R)
 *   4. grid           every k steps a diffusion step over kΔ = k·dt (explicit 5-point Laplacian,
 *                     mirror (no-flux) boundaries, split into s sub-steps so that λ = D·Δ_sub/h² ≤ 0.2;
 *                     k = min(10 ms/dt, 0.2·h²/(D·dt)) ≥ 1), then every step F ← F·e^(−dt/τ)
 *   5. levels below ε are set to exactly 0 (a field whose every cell is below ε is dropped)
 * The explicit scheme conserves mass exactly (up to rounding) without decay, is stable and
 * positive for λ ≤ 1/4, and grows the variance of a point release by exactly 2·D·Δ per axis per
 * diffusion step: ⟨r²⟩ = 4·D·t, the 2-D Gaussian's, on the grid until the spread meets a boundary.
 *
 * Cost: nothing while no modulator was ever released (`sim.state.neuromodulation` absent); with
 * only global levels a few multiplies per step; with a grid O(cells) per step per released
 * modulator until it has decayed below ε.
 *
 * Reading (for other systems): `neuromodulatorAt(sim, x_um, y_um, name)`,
 * `neuromodulatorAtNeuron(sim, n, name)` (µM), `occupancy(sim, n, name)` = C/(C + EC50), and
 * `plasticityBias(sim, n)` = occ(NE) − occ(ACh) (see components/neuromodulator.ts).
 *
 * References: see components/neuromodulator.ts; reward contingency: Izhikevich EM (2007) Cereb
 *   Cortex 17:2443 (Fig. 1 and its published code daspnet.m, ModelDB 84167).
 */
import { addComponent, addEntity, entityExists, hasComponent, query, removeEntity } from 'bitecs'
import type { Sim } from '../src/engine/world.ts'
import { exp } from '../src/engine/detmath.ts'
import { stream } from '../src/engine/rng.ts'
import { ensure, clearEntity } from '../src/engine/store.ts'
import {
  DEFAULT_NEUROMODULATORS, MODULATOR_NAMES, modulatorIndex,
  type ModulatorName, type NeuromodulationState, type NeuromodulatorParams,
} from '../components/neuromodulator.ts'

export { modulatorIndex }

// ---------------------------------------------------------------------------------------------
// State and parameters
// ---------------------------------------------------------------------------------------------

/** The world's modulator constants (the scene's `params.neuromodulators`, else the defaults). */
export function modulatorParams(sim: Sim): NeuromodulatorParams {
  return sim.params.neuromodulators ?? DEFAULT_NEUROMODULATORS
}

/** The neuromodulation state, created on first use. */
export function neuromodulationState(sim: Sim): NeuromodulationState {
  let s = sim.state.neuromodulation
  if (!s) {
    const n = MODULATOR_NAMES.length
    s = { global: new Array<number>(n).fill(0), tonic: new Array<number>(n).fill(0), grid: null, contingencies: [] }
    sim.state.neuromodulation = s
  }
  return s
}

function gridOf(sim: Sim, s: NeuromodulationState): NonNullable<NeuromodulationState['grid']> {
  if (!s.grid) {
    const cell = modulatorParams(sim).cell_um
    if (!(cell > 0)) throw new Error(`neuromodulation: cell_um must be > 0, got ${cell}`)
    const nx = Math.max(1, Math.ceil(sim.params.width_um / cell))
    const ny = Math.max(1, Math.ceil(sim.params.height_um / cell))
    s.grid = { nx, ny, cell_um: cell, fields: MODULATOR_NAMES.map(() => null) }
  }
  return s.grid
}

function fieldOf(sim: Sim, s: NeuromodulationState, m: number): number[] {
  const g = gridOf(sim, s)
  return (g.fields[m] ??= new Array<number>(g.nx * g.ny).fill(0))
}

/** Grid cell of a point (clamped to the tissue). */
export function cellOf(g: { nx: number; ny: number; cell_um: number }, x_um: number, y_um: number): number {
  const i = Math.min(g.nx - 1, Math.max(0, Math.floor(x_um / g.cell_um)))
  const j = Math.min(g.ny - 1, Math.max(0, Math.floor(y_um / g.cell_um)))
  return j * g.nx + i
}

// ---------------------------------------------------------------------------------------------
// Release
// ---------------------------------------------------------------------------------------------

export interface ReleaseSpec {
  modulator: ModulatorName | number
  /** Concentration increase (µM): of the global level, or averaged over the release disc. */
  amount_uM: number
  /** A release site entity (its position and radius). */
  site?: number
  /** Or a point (radius default: one cell's area, πr² = cell²). Neither site nor point: global. */
  x_um?: number
  y_um?: number
  radius_um?: number
}

/** A phasic puff, now. */
export function release(sim: Sim, r: ReleaseSpec): void {
  const m = modulatorIndex(r.modulator)
  if (!(r.amount_uM >= 0) || !Number.isFinite(r.amount_uM)) throw new Error(`release: amount must be a finite number ≥ 0 µM, got ${r.amount_uM}`)
  const s = neuromodulationState(sim)
  if (r.site === undefined && r.x_um === undefined && r.y_um === undefined) {
    s.global[m]! += r.amount_uM
    return
  }
  let x: number, y: number, radius: number | undefined
  if (r.site !== undefined) {
    if (!isReleaseSite(sim, r.site)) throw new Error(`release: ${r.site} is not a release site`)
    const S = sim.components.ReleaseSite
    x = S.x_um[r.site]!
    y = S.y_um[r.site]!
    radius = S.radius_um[r.site]!
  } else {
    if (r.x_um === undefined || r.y_um === undefined) throw new Error('release: give both x_um and y_um (or a site, or neither for a global release)')
    x = r.x_um
    y = r.y_um
    radius = r.radius_um
  }
  deposit(sim, s, m, x, y, radius, r.amount_uM)
}

/** Add `amount` µM averaged over a disc (mass amount·π·r²) to modulator m's field. */
function deposit(sim: Sim, s: NeuromodulationState, m: number, x: number, y: number, radius: number | undefined, amount: number): void {
  if (amount === 0) return
  const f = fieldOf(sim, s, m)
  const g = s.grid!
  const h = g.cell_um
  const r = radius ?? h / Math.sqrt(Math.PI)
  if (!(r > 0)) throw new Error(`release: radius must be > 0 µm, got ${r}`)
  const mass = amount * Math.PI * r * r // µM·µm²
  const cells: number[] = []
  const i0 = Math.max(0, Math.floor((x - r) / h))
  const i1 = Math.min(g.nx - 1, Math.floor((x + r) / h))
  const j0 = Math.max(0, Math.floor((y - r) / h))
  const j1 = Math.min(g.ny - 1, Math.floor((y + r) / h))
  for (let j = j0; j <= j1; j++)
    for (let i = i0; i <= i1; i++) {
      const dx = (i + 0.5) * h - x
      const dy = (j + 0.5) * h - y
      if (dx * dx + dy * dy <= r * r) cells.push(j * g.nx + i)
    }
  if (cells.length === 0) cells.push(cellOf(g, x, y))
  const each = mass / (cells.length * h * h)
  for (const c of cells) f[c]! += each
}

/**
 * A scenario's `release` action (src/scenario/types.ts ReleaseAction): a puff (`amount_uM`, global
 * or over a disc), or a global tonic release with steady-state level `tonic_uM` (rate = level/τ;
 * the level relaxes to it with τ).
 */
export function applyRelease(
  sim: Sim,
  a: { modulator: ModulatorName; amount_uM?: number; tonic_uM?: number; x_um?: number; y_um?: number; radius_um?: number },
): void {
  if (a.tonic_uM !== undefined) {
    const m = modulatorIndex(a.modulator)
    setTonic(sim, m, (a.tonic_uM * 1000) / modulatorParams(sim).modulators[m]!.tau_ms)
    return
  }
  release(sim, {
    modulator: a.modulator,
    amount_uM: a.amount_uM ?? 0,
    ...(a.x_um !== undefined ? { x_um: a.x_um, y_um: a.y_um! } : {}),
    ...(a.radius_um !== undefined ? { radius_um: a.radius_um } : {}),
  })
}

/** Tonic global release rate (µM/s) of a modulator (0 stops it). */
export function setTonic(sim: Sim, modulator: ModulatorName | number, rate_uM_per_s: number): void {
  if (!(rate_uM_per_s >= 0) || !Number.isFinite(rate_uM_per_s)) throw new Error(`tonic release must be a finite rate ≥ 0 µM/s, got ${rate_uM_per_s}`)
  neuromodulationState(sim).tonic[modulatorIndex(modulator)] = rate_uM_per_s
}

/** Set the global level directly (e.g. a scene starting at its tonic steady state). */
export function setGlobalLevel(sim: Sim, modulator: ModulatorName | number, level_uM: number): void {
  if (!(level_uM >= 0) || !Number.isFinite(level_uM)) throw new Error(`level must be a finite concentration ≥ 0 µM, got ${level_uM}`)
  neuromodulationState(sim).global[modulatorIndex(modulator)] = level_uM
}

export interface ReleaseSiteInit {
  x_um: number
  y_um: number
  radius_um: number
  modulator: ModulatorName | number
  tonic_uM_per_s?: number
}

export function isReleaseSite(sim: Sim, eid: number): boolean {
  return entityExists(sim.world, eid) && hasComponent(sim.world, eid, sim.components.ReleaseSite)
}

/** A release site: an entity with a position, a disc radius and a modulator (optionally tonic). */
export function addReleaseSite(sim: Sim, init: ReleaseSiteInit): number {
  if (!(init.radius_um > 0)) throw new Error(`addReleaseSite: radius must be > 0 µm, got ${init.radius_um}`)
  const tonic = init.tonic_uM_per_s ?? 0
  if (!(tonic >= 0) || !Number.isFinite(tonic)) throw new Error(`addReleaseSite: tonic rate must be ≥ 0 µM/s, got ${tonic}`)
  const m = modulatorIndex(init.modulator)
  const entry = sim.stores.ReleaseSite
  const eid = addEntity(sim.world)
  ensure(entry, eid)
  clearEntity(entry, eid)
  addComponent(sim.world, eid, entry.data)
  const S = entry.data
  S.x_um[eid] = init.x_um
  S.y_um[eid] = init.y_um
  S.radius_um[eid] = init.radius_um
  S.modulator[eid] = m
  S.tonic_uM_per_s[eid] = tonic
  neuromodulationState(sim)
  return eid
}

export function removeReleaseSite(sim: Sim, eid: number): void {
  if (!isReleaseSite(sim, eid)) throw new Error(`removeReleaseSite: ${eid} is not a release site`)
  removeEntity(sim.world, eid)
}

/** Release sites, ascending ids. */
export function releaseSites(sim: Sim): number[] {
  return Array.from(query(sim.world, [sim.components.ReleaseSite])).sort((a, b) => a - b)
}

/** Add a reward contingency (see components/neuromodulator.ts `Contingency`). */
export function addContingency(
  sim: Sim,
  c: { pre: number; post: number; window_ms: number; delayMin_ms: number; delayMax_ms: number; amount_uM: number; modulator?: ModulatorName | number },
): void {
  if (!(c.window_ms > 0) || !(c.delayMin_ms >= 0) || !(c.delayMax_ms >= c.delayMin_ms) || !(c.amount_uM >= 0))
    throw new Error('addContingency: need window_ms > 0, 0 ≤ delayMin_ms ≤ delayMax_ms, amount_uM ≥ 0')
  neuromodulationState(sim).contingencies.push({
    pre: c.pre, post: c.post, window_ms: c.window_ms, delayMin_ms: c.delayMin_ms, delayMax_ms: c.delayMax_ms,
    amount_uM: c.amount_uM, modulator: modulatorIndex(c.modulator ?? 'dopamine'), pending: [], delivered: 0,
    lastPre_ms: -1e9,
  })
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** Concentration (µM) of a modulator at a point: global level plus the grid cell's. */
export function neuromodulatorAt(sim: Sim, x_um: number, y_um: number, modulator: ModulatorName | number): number {
  const s = sim.state.neuromodulation
  if (!s) return 0
  const m = modulatorIndex(modulator)
  const f = s.grid?.fields[m]
  return s.global[m]! + (f ? f[cellOf(s.grid!, x_um, y_um)]! : 0)
}

/** Concentration (µM) of a modulator at a neuron's position. */
export function neuromodulatorAtNeuron(sim: Sim, n: number, modulator: ModulatorName | number): number {
  const P = sim.components.Position
  return neuromodulatorAt(sim, P.x_um[n]!, P.y_um[n]!, modulator)
}

/** Receptor occupancy C/(C + EC50) at a neuron. */
export function occupancy(sim: Sim, n: number, modulator: ModulatorName | number): number {
  const m = modulatorIndex(modulator)
  const c = neuromodulatorAtNeuron(sim, n, m)
  return c / (c + modulatorParams(sim).modulators[m]!.ec50_uM)
}

/** occ(NE) − occ(ACh) ∈ [−1, 1]: > 0 favours LTP, < 0 LTD at STDP pairings (Seol et al. 2007). */
export function plasticityBias(sim: Sim, n: number): number {
  return occupancy(sim, n, 'noradrenaline') - occupancy(sim, n, 'acetylcholine')
}

// ---------------------------------------------------------------------------------------------
// The system
// ---------------------------------------------------------------------------------------------

export function neuromodulation(sim: Sim): void {
  const s = sim.state.neuromodulation
  if (!s) return
  const dt = sim.time.dt_ms
  const P = modulatorParams(sim)
  if (s.contingencies.length) contingencies(sim, s)
  tonicSites(sim, s, dt)
  const eps = P.epsilon_uM
  for (let m = 0; m < s.global.length; m++) {
    const R = s.tonic[m]!
    const G = s.global[m]!
    if (G === 0 && R === 0) continue
    const tau = P.modulators[m]!.tau_ms
    const Gss = (R * tau) / 1000
    const next = Gss + (G - Gss) * exp(-dt / tau)
    s.global[m] = R === 0 && next < eps ? 0 : next
  }
  const g = s.grid
  if (!g) return
  for (let m = 0; m < g.fields.length; m++) {
    const f = g.fields[m]
    if (!f) continue
    const mp = P.modulators[m]!
    diffuseIfDue(f, g.nx, g.ny, g.cell_um, mp.D_um2_per_s, dt, sim.time.step)
    const k = exp(-dt / mp.tau_ms)
    let max = 0
    for (let c = 0; c < f.length; c++) {
      const v = f[c]! * k
      f[c] = v
      if (v > max) max = v
    }
    if (max < eps) g.fields[m] = null
  }
}

function tonicSites(sim: Sim, s: NeuromodulationState, dt: number): void {
  const S = sim.components.ReleaseSite
  const ids = query(sim.world, [S])
  if (ids.length === 0) return
  for (const e of Array.from(ids).sort((a, b) => a - b)) {
    const r = S.tonic_uM_per_s[e]!
    if (r > 0) deposit(sim, s, S.modulator[e]!, S.x_um[e]!, S.y_um[e]!, S.radius_um[e]!, (r * dt) / 1000)
  }
}

/** Steps between diffusion updates and sub-steps per update (see the header). */
export function diffusionSchedule(D: number, h: number, dt_ms: number): { every: number; sub: number; lambda: number } {
  const dts = dt_ms / 1000
  if (!(D > 0)) return { every: 0, sub: 0, lambda: 0 }
  const every = Math.max(1, Math.min(Math.floor(10 / dt_ms), Math.floor((0.2 * h * h) / (D * dts))))
  const total = (D * every * dts) / (h * h)
  const sub = Math.max(1, Math.ceil(total / 0.2))
  return { every, sub, lambda: total / sub }
}

const scratch: { a: Float64Array } = { a: new Float64Array(0) }

function diffuseIfDue(f: number[], nx: number, ny: number, h: number, D: number, dt_ms: number, step: number): void {
  const { every, sub, lambda } = diffusionSchedule(D, h, dt_ms)
  if (every === 0 || (step + 1) % every !== 0) return
  for (let k = 0; k < sub; k++) diffuse(f, nx, ny, lambda)
}

/** One explicit diffusion step with λ = D·Δ/h², mirror boundaries (a missing neighbour is the cell itself). */
export function diffuse(f: number[], nx: number, ny: number, lambda: number): void {
  const n = nx * ny
  if (scratch.a.length < n) scratch.a = new Float64Array(n)
  const old = scratch.a
  for (let c = 0; c < n; c++) old[c] = f[c]!
  for (let j = 0; j < ny; j++) {
    const row = j * nx
    for (let i = 0; i < nx; i++) {
      const c = row + i
      const v = old[c]!
      const l = i > 0 ? old[c - 1]! : v
      const r = i < nx - 1 ? old[c + 1]! : v
      const d = j > 0 ? old[c - nx]! : v
      const u = j < ny - 1 ? old[c + nx]! : v
      f[c] = v + lambda * (l + r + d + u - 4 * v)
    }
  }
}

function contingencies(sim: Sim, s: NeuromodulationState): void {
  const step = sim.time.step
  const dt = sim.time.dt_ms
  const t = step * dt
  const ids = sim.spikes.ids
  const count = sim.spikes.count
  for (const c of s.contingencies) {
    let preNow = false
    let postNow = false
    for (let i = 0; i < count; i++) {
      const n = ids[i]!
      if (n === c.pre) preNow = true
      if (n === c.post) postNow = true
    }
    // The pre spike must come strictly before the post spike (the paper's code: n2f(end) > n1f(end)).
    if (postNow && !preNow && t - c.lastPre_ms < c.window_ms) {
      const u = stream(sim.rng, 'reward').next()
      const delay_ms = c.delayMin_ms + Math.ceil((c.delayMax_ms - c.delayMin_ms) * u)
      const due = step + Math.max(1, Math.round(delay_ms / dt))
      let k = c.pending.length
      while (k > 0 && c.pending[k - 1]! > due) k--
      c.pending.splice(k, 0, due)
    }
    if (preNow) c.lastPre_ms = t
    while (c.pending.length && c.pending[0]! <= step) {
      c.pending.shift()
      s.global[c.modulator]! += c.amount_uM
      c.delivered++
    }
  }
}
