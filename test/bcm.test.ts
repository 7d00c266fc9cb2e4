/**
 * BCM sliding threshold (Intrator & Cooper 1992): θ_M's closed form, its rate measure, its coupling
 * to the calcium-control NMDA scale, rate-based selectivity, determinism and snapshots.
 */
import { describe, it, expect } from 'vitest'
import { createSim } from '../src/engine/world.ts'
import { fastForward, run } from '../src/engine/pipeline.ts'
import { SCENES } from '../scenes/index.ts'
import { addElectrode, addNeuron } from '../src/engine/entities.ts'
import { startProtocol } from '../src/engine/protocols.ts'
import { stateHash } from '../src/engine/hash.ts'
import { save, load } from '../src/engine/snapshot.ts'
import { setBcm } from '../systems/bcm.ts'

describe('BCM sliding threshold', () => {
  it('θ_M relaxes to y²/y0 exactly: y²/y0 + (θ0 − y²/y0) e^(−t/τ_θ)', () => {
    const sim = createSim(SCENES.calciumControl!({ nPathways: 1 }), 1)
    const n = addNeuron(sim, {})
    setBcm(sim, n, { y0_Hz: 2, tau_ms: 600_000, rate: true })
    sim.components.Bcm.y_Hz[n] = 3
    fastForward(sim, 900_000, 7) // seven uneven-length ticks: the update is exact for constant y
    expect(sim.components.Bcm.theta_Hz[n]).toBeCloseTo(4.5 + (2 - 4.5) * Math.exp(-1.5), 12)
  })
  it('a postsynaptic cell’s rate is its spike count per tick; θ_M scales its NMDA calcium by y0/θ_M', () => {
    const sim = createSim(SCENES.calciumControl!({ nPathways: 1, bcm: 1, bcmY0_Hz: 2, bcmTau_ms: 3_600_000 }), 1)
    const post = 2
    const e = addElectrode(sim, { x_um: 50, y_um: 150, radius_um: 5 })
    startProtocol(sim, e, { kind: 'train', freq_Hz: 4, count: 40 }, 0)
    run(sim, 10_000)
    expect(sim.components.Bcm.y_Hz[post]).toBe(4)
    fastForward(sim, 5 * 3_600_000)
    const theta = sim.components.Bcm.theta_Hz[post]!
    expect(theta).toBeGreaterThan(7.9)
    expect(theta).toBeLessThan(8)
    expect(sim.components.CalciumControlNeuron.nmdaScale[post]).toBeCloseTo(2 / theta, 12)
  })
  it('the rate is spikes per fast time also when slow time is warped (reviewer fix: was ÷ timeWarp)', () => {
    const sim = createSim(SCENES.calciumControl!({ nPathways: 1, bcm: 1, bcmY0_Hz: 2, bcmTau_ms: 3_600_000 }), 1)
    sim.time.timeWarp = 10 // each 1-s tick of fast time covers 10 s of slow time
    const e = addElectrode(sim, { x_um: 50, y_um: 150, radius_um: 5 })
    startProtocol(sim, e, { kind: 'train', freq_Hz: 4, count: 40 }, 0)
    run(sim, 5_000)
    expect(sim.components.Bcm.y_Hz[2]).toBe(4)
  })
  it('rate-based units become selective for one of two orthogonal patterns (2·y0 and 0)', () => {
    const sim = createSim(SCENES.bcmPatterns!({ nOutputs: 3, eta: 1e-5, tau_ms: 30_000 }), 2)
    fastForward(sim, 6 * 3_600_000)
    const { weight, post, alive } = sim.components.Synapse
    const byUnit = new Map<number, number[]>()
    for (let s = 0; s < alive.length; s++) if (alive[s]) byUnit.set(post[s]!, [...(byUnit.get(post[s]!) ?? []), weight[s]!])
    expect(byUnit.size).toBe(3)
    for (const w of byUnit.values()) {
      const [lo, hi] = [Math.min(...w), Math.max(...w)]
      expect(hi * 10).toBeGreaterThan(1.7)
      expect(hi * 10).toBeLessThan(2.3)
      expect(lo * 10).toBeLessThan(0.1)
    }
  })
  it('is deterministic and survives a snapshot (pattern state and θ_M included)', () => {
    const make = () => createSim(SCENES.bcmPatterns!({ nOutputs: 2 }), 5)
    const whole = make()
    fastForward(whole, 200_000, 200)
    run(whole, 3000)
    const half = make()
    fastForward(half, 200_000, 200)
    run(half, 1500)
    const copy = load(save(half))
    expect(stateHash(copy)).toBe(stateHash(half))
    run(copy, 1500)
    expect(stateHash(copy)).toBe(stateHash(whole))
  })
})
