/**
 * Neuromodulator release, diffusion and clearance (systems/neuromodulation.ts): the grid conserves
 * mass without clearance, clears with the right τ, spreads a point release with ⟨r²⟩ = 4·D·t (2-D
 * Gaussian), and the state is deterministic and survives a snapshot.
 */
import { describe, expect, it } from 'vitest'
import { createSim, type Scene, type Sim } from '../src/engine/world.ts'
import { addNeuron } from '../src/engine/entities.ts'
import { runSteps } from '../src/engine/pipeline.ts'
import { save, load } from '../src/engine/snapshot.ts'
import { stateHash } from '../src/engine/hash.ts'
import {
  addContingency, addReleaseSite, cellOf, diffusionSchedule, neuromodulatorAt, neuromodulatorAtNeuron, occupancy, plasticityBias, release, setTonic,
} from '../systems/neuromodulation.ts'
import { DEFAULT_NEUROMODULATORS, type NeuromodulatorParams } from '../components/neuromodulator.ts'

const DT = 0.1
function scene(mods?: Partial<NeuromodulatorParams>): Scene {
  return {
    name: 'neuromodTest',
    clock: { dt_ms: DT },
    params: {
      width_um: 1000,
      height_um: 800,
      neuromodulators: { ...structuredClone(DEFAULT_NEUROMODULATORS), ...(mods ?? {}) },
    },
    build(sim) {
      addNeuron(sim, { x_um: 500, y_um: 400 })
      addNeuron(sim, { x_um: 900, y_um: 100 })
    },
  }
}
/** Modulators with clearance switched off (τ so long that e^(−dt/τ) is exactly 1). */
const noClearance = (): NeuromodulatorParams => ({
  ...structuredClone(DEFAULT_NEUROMODULATORS),
  modulators: DEFAULT_NEUROMODULATORS.modulators.map((m) => ({ ...m, tau_ms: 1e30 })),
  cell_um: 20,
})

function field(sim: Sim, m = 0): number[] {
  return sim.state.neuromodulation!.grid!.fields[m]!
}
function moments(sim: Sim, x0: number, y0: number): { mass: number; r2: number } {
  const g = sim.state.neuromodulation!.grid!
  const f = field(sim)
  let mass = 0
  let r2 = 0
  for (let j = 0; j < g.ny; j++)
    for (let i = 0; i < g.nx; i++) {
      const v = f[j * g.nx + i]! * g.cell_um * g.cell_um
      const dx = (i + 0.5) * g.cell_um - x0
      const dy = (j + 0.5) * g.cell_um - y0
      mass += v
      r2 += v * (dx * dx + dy * dy)
    }
  return { mass, r2: r2 / mass }
}

describe('neuromodulation', () => {
  it('costs nothing and holds no state until something is released', () => {
    const sim = createSim(scene(), 1)
    runSteps(sim, 100)
    expect(sim.state.neuromodulation).toBeUndefined()
    expect(neuromodulatorAt(sim, 10, 10, 'dopamine')).toBe(0)
  })

  it('the diffusion schedule is stable (λ ≤ 0.2) and covers exactly D·Δt', () => {
    for (const [D, h, dt] of [[300, 20, 0.1], [300, 1, 1], [1e5, 5, 0.1], [10, 50, 1]] as const) {
      const s = diffusionSchedule(D, h, dt)
      expect(s.lambda).toBeLessThanOrEqual(0.2 + 1e-12)
      expect(s.lambda * s.sub * h * h).toBeCloseTo(D * s.every * (dt / 1000), 9)
    }
  })

  it('diffusion conserves mass without clearance (mirror boundaries)', () => {
    const sim = createSim({ ...scene(), params: { ...scene().params, neuromodulators: noClearance() } }, 1)
    release(sim, { modulator: 'dopamine', amount_uM: 2, x_um: 30, y_um: 770, radius_um: 25 }) // near a corner
    const m0 = moments(sim, 30, 770).mass
    expect(m0).toBeCloseTo(2 * Math.PI * 25 * 25, 6)
    runSteps(sim, 50_000) // 5 s: the spread reaches the boundaries
    expect(Math.abs(moments(sim, 30, 770).mass / m0 - 1)).toBeLessThan(1e-12)
    expect(Math.min(...field(sim))).toBeGreaterThanOrEqual(0)
  })

  it('a point release spreads with the 2-D Gaussian variance ⟨r²⟩ = 4·D·t', () => {
    const sim = createSim({ ...scene(), params: { ...scene().params, neuromodulators: noClearance() } }, 1)
    release(sim, { modulator: 'dopamine', amount_uM: 1, x_um: 510, y_um: 410 }) // the centre of cell (25, 20)
    for (const t_s of [0.5, 1, 2]) {
      runSteps(sim, Math.round((t_s * 1000) / DT) - sim.time.step)
      const { r2 } = moments(sim, 510, 410)
      expect(Math.abs(r2 / (4 * 300 * t_s) - 1)).toBeLessThan(0.01)
    }
  })

  it('on a grid fine against the spread (σ ≫ h) the profile is the 2-D Gaussian', () => {
    // σ = √(2·D·t) = 35 µm per axis at 2 s, h = 5 µm. (At σ ≈ 2h the lattice solution is peaked
    // and heavy-tailed — few hops — though its variance is still exactly 4·D·t.)
    const nm = { ...noClearance(), cell_um: 5 }
    const sim = createSim({ ...scene(), params: { ...scene().params, width_um: 400, height_um: 400, neuromodulators: nm } }, 1)
    release(sim, { modulator: 'dopamine', amount_uM: 1, x_um: 202.5, y_um: 202.5 })
    runSteps(sim, 20_000)
    const { mass, r2 } = moments(sim, 202.5, 202.5)
    expect(Math.abs(r2 / (4 * 300 * 2) - 1)).toBeLessThan(0.01)
    const gauss = (r: number) => (mass / (Math.PI * 4 * 300 * 2)) * Math.exp(-(r * r) / (4 * 300 * 2))
    for (const r of [0, 20, 35, 50, 70]) {
      const v = neuromodulatorAt(sim, 202.5 + r, 202.5, 'dopamine')
      expect(Math.abs(v - gauss(r)) / gauss(0)).toBeLessThan(0.02)
    }
  })

  it('global and grid levels clear with τ (dopamine 200 ms, noradrenaline 4.2 s)', () => {
    const sim = createSim(scene(), 1)
    release(sim, { modulator: 'dopamine', amount_uM: 1 })
    release(sim, { modulator: 'noradrenaline', amount_uM: 1 })
    release(sim, { modulator: 'dopamine', amount_uM: 3, x_um: 500, y_um: 400, radius_um: 200 })
    const mass0 = moments(sim, 500, 400).mass
    runSteps(sim, 10_000) // 1 s
    const s = sim.state.neuromodulation!
    expect(s.global[0]! / Math.exp(-5)).toBeCloseTo(1, 9)
    expect(s.global[2]! / Math.exp(-1000 / 4200)).toBeCloseTo(1, 9)
    expect(moments(sim, 500, 400).mass / mass0 / Math.exp(-5)).toBeCloseTo(1, 6)
    // At the neuron in the middle of the disc: global + grid.
    expect(neuromodulatorAtNeuron(sim, 1, 'dopamine')).toBeCloseTo(s.global[0]! + field(sim)[cellOf(s.grid!, 500, 400)]!, 12)
    expect(field(sim)[cellOf(s.grid!, 500, 400)]!).toBeGreaterThan(0)
    runSteps(sim, 400_000) // 40 s: far below ε — the field is dropped, the levels are exactly 0
    expect(s.global[0]).toBe(0)
    expect(s.grid!.fields[0]).toBeNull()
  })

  it('tonic release settles at R·τ; occupancy and plasticity bias follow', () => {
    const sim = createSim(scene(), 1)
    setTonic(sim, 'noradrenaline', 0.25) // 0.25 µM/s · 4.2 s = 1.05 µM
    runSteps(sim, 400_000)
    const ne = 1.05 * (1 - Math.exp(-40 / 4.2))
    expect(sim.state.neuromodulation!.global[2]).toBeCloseTo(ne, 9)
    expect(occupancy(sim, 1, 'noradrenaline')).toBeCloseTo(ne / (ne + 1), 9)
    expect(plasticityBias(sim, 1)).toBeCloseTo(ne / (ne + 1), 9)
  })

  it('a tonic site builds a local field at its disc, zero far away', () => {
    const sim = createSim(scene(), 1)
    addReleaseSite(sim, { x_um: 500, y_um: 400, radius_um: 30, modulator: 'acetylcholine', tonic_uM_per_s: 1 })
    runSteps(sim, 20_000)
    expect(neuromodulatorAt(sim, 500, 400, 'acetylcholine')).toBeGreaterThan(0.1)
    expect(neuromodulatorAt(sim, 900, 100, 'acetylcholine')).toBeLessThan(1e-20)
  })

  it('is deterministic and survives a snapshot (grid, sites, contingencies)', () => {
    const make = () => {
      const sim = createSim(scene(), 3)
      const site = addReleaseSite(sim, { x_um: 200, y_um: 200, radius_um: 40, modulator: 'dopamine', tonic_uM_per_s: 0.5 })
      release(sim, { modulator: 'dopamine', amount_uM: 1, site })
      release(sim, { modulator: 'acetylcholine', amount_uM: 0.3, x_um: 700, y_um: 600 })
      addContingency(sim, { pre: 1, post: 2, window_ms: 20, delayMin_ms: 1000, delayMax_ms: 3000, amount_uM: 0.5 })
      return sim
    }
    const a = make()
    const b = make()
    runSteps(a, 5000)
    runSteps(b, 5000)
    expect(stateHash(a)).toBe(stateHash(b))
    const c = load(save(a))
    expect(stateHash(c)).toBe(stateHash(a))
    runSteps(a, 5000)
    runSteps(c, 5000)
    expect(stateHash(c)).toBe(stateHash(a))
    expect(neuromodulatorAt(c, 200, 200, 'dopamine')).toBe(neuromodulatorAt(a, 200, 200, 'dopamine'))
  })

  it('a contingency rewards post-after-pre within the window, 1–3 s later', () => {
    const sim = createSim(scene(), 5)
    addContingency(sim, { pre: 1, post: 2, window_ms: 20, delayMin_ms: 1000, delayMax_ms: 3000, amount_uM: 0.5 })
    const N = sim.components.Neuron
    N.forceSpike[1] = 1
    runSteps(sim, 100) // pre at 0, post at 10 ms: rewarded
    N.forceSpike[2] = 1
    runSteps(sim, 1)
    const c = sim.state.neuromodulation!.contingencies[0]!
    expect(c.pending.length).toBe(1)
    const due = c.pending[0]!
    expect(due - 100).toBeGreaterThan(10_000)
    expect(due - 100).toBeLessThanOrEqual(30_000)
    runSteps(sim, 1000)
    N.forceSpike[2] = 1 // post 100 ms after pre: outside the window
    runSteps(sim, 1)
    expect(c.pending.length).toBe(1)
    runSteps(sim, due - sim.time.step + 1)
    expect(c.delivered).toBe(1)
    expect(sim.state.neuromodulation!.global[0]!).toBeGreaterThan(0.49)
  })
})
