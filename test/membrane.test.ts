/**
 * The fused per-neuron pass of systems/membrane.ts keeps what the separate passes did:
 *   - the lazily kept averaged rate equals the per-step recursion r ← r·e^(−dt/τ) + [spike]·1000/τ;
 *   - `spiked` is 1 exactly for the neurons of this step's spike list, also across neuron removal,
 *     birth and a snapshot round trip (the loop clears only last step's spikers);
 *   - `forceSpike` written directly between steps fires the neuron in the next step;
 *   - parameters all neurons of a model share are loop constants: a change made through
 *     neuronParamsChanged gives the same world as building it so, and one made without it is
 *     reported (not silently ignored);
 *   - receptor decay and arrivals, written out once per neuron model, follow the closed forms of
 *     systems/transmission.ts in both models.
 */
import { describe, expect, test } from 'vitest'
import { createSim, type Sim } from '../src/engine/world.ts'
import { addNeuron, addSynapse, neuronIds, removeNeuron } from '../src/engine/entities.ts'
import { runSteps } from '../src/engine/pipeline.ts'
import { stateHash } from '../src/engine/hash.ts'
import { load, save } from '../src/engine/snapshot.ts'
import { corticalSheet } from '../scenes/corticalSheet.ts'
import { activityRate_Hz, neuronParamsChanged } from '../systems/membrane.ts'
import { nmdaNorm } from '../systems/transmission.ts'

const sheet = (seed = 1) => createSim(corticalSheet({ n: 300, synapsesPerNeuron: 20 }), seed)

/** Checks after every step that `spiked` marks exactly the neurons in this step's spike list. */
function spikedChecker() {
  let bad = 0
  let spikes = 0
  const observe = (s: Sim) => {
    const fired = new Set(Array.from(s.spikes.ids.subarray(0, s.spikes.count)))
    spikes += fired.size
    for (const n of neuronIds(s)) if ((s.components.Neuron.spiked[n] === 1) !== fired.has(n)) bad++
  }
  return { observe, result: () => ({ bad, spikes }) }
}

describe('averaged rate, kept lazily', () => {
  test('equals the per-step recursion at every probed time (f32 storage: 10⁻⁵ relative)', () => {
    const sim = sheet()
    const tau = sim.params.activityTau_ms
    const decay = Math.exp(-sim.time.dt_ms / tau)
    const ids = neuronIds(sim)
    const ref = new Float64Array(ids[ids.length - 1]! + 1)
    let worst = 0
    let checked = 0
    runSteps(sim, 6000, [
      (s) => {
        for (const n of ids) ref[n]! *= decay
        for (let k = 0; k < s.spikes.count; k++) ref[s.spikes.ids[k]!]! += 1000 / tau
        if (s.time.step % 500 === 499) {
          // Observers run before the step counter advances; readers see the world after it.
          s.time.step++
          for (const n of ids) {
            const got = activityRate_Hz(s, n)
            worst = Math.max(worst, Math.abs(got - ref[n]!) / Math.max(ref[n]!, 1e-3))
            checked += ref[n]! > 0 ? 1 : 0
          }
          s.time.step--
        }
      },
    ])
    expect(checked).toBeGreaterThan(1000) // the sheet fires: most neurons have a rate
    expect(worst).toBeLessThan(1e-5)
  })

  test('0 for a neuron that never fired; raw rate_Hz stays within [0, 1000/τ · spikes]', () => {
    const sim = createSim({ name: 'quiet', clock: { dt_ms: 0.1 }, build: () => {} }, 1)
    const n = addNeuron(sim, { model: 'lif' })
    runSteps(sim, 100)
    expect(activityRate_Hz(sim, n)).toBe(0)
  })
})

describe('spike flags', () => {
  test('spiked marks exactly this step’s spikers, across removal, birth and a snapshot', () => {
    const sim = sheet(2)
    const check = spikedChecker()
    runSteps(sim, 1500, [check.observe])
    const ids = neuronIds(sim)
    for (let k = 0; k < 30; k++) removeNeuron(sim, ids[k * 7]!)
    runSteps(sim, 500, [check.observe])
    for (let k = 0; k < 10; k++) addNeuron(sim, { model: 'lif', x_um: 10 * k, drive: { rate_Hz: 3000, weight: 0.43 } })
    runSteps(sim, 500, [check.observe])
    const copy = load(save(sim))
    runSteps(copy, 500, [check.observe])
    runSteps(sim, 500)
    expect(stateHash(copy)).toBe(stateHash(sim))
    expect(check.result().spikes).toBeGreaterThan(500)
    expect(check.result().bad).toBe(0)
  })

  test('forceSpike written between steps fires the neuron in the next step', () => {
    const sim = createSim({ name: 'force', clock: { dt_ms: 0.1 }, build: () => {} }, 1)
    const a = addNeuron(sim, { model: 'lif' })
    const b = addNeuron(sim, { x_um: 50 })
    const fired: number[][] = []
    const observe = (s: Sim) => void fired.push(Array.from(s.spikes.ids.subarray(0, s.spikes.count)))
    runSteps(sim, 10, [observe])
    sim.components.Neuron.forceSpike[b] = 1
    runSteps(sim, 1, [observe])
    sim.components.Neuron.forceSpike[a] = 1
    sim.components.Neuron.forceSpike[b] = 1
    runSteps(sim, 2, [observe])
    expect(fired).toEqual([...Array.from({ length: 10 }, () => []), [b], [a, b], []])
    expect(sim.components.Neuron.forceSpike[a]).toBe(0)
  })
})

describe('shared parameters are loop constants', () => {
  /** 40 LIF neurons with default parameters and background drive; `tweak` may change neuron 5. */
  function lifWorld(tweak?: { Vth_mV?: number; I_bias?: number }) {
    const sim = createSim({ name: 'shared', clock: { dt_ms: 0.1 }, build: () => {} }, 4)
    const ids = Array.from({ length: 40 }, (_, k) =>
      addNeuron(sim, {
        model: 'lif',
        x_um: k,
        lif: k === 5 && tweak?.Vth_mV !== undefined ? { Vth_mV: tweak.Vth_mV } : {},
        I_bias: k === 5 ? tweak?.I_bias : undefined,
        drive: { rate_Hz: 1500, weight: 0.5 },
      }),
    )
    return { sim, ids }
  }

  test('a change through neuronParamsChanged acts exactly like the value being there all along', () => {
    for (const tweak of [{ Vth_mV: -54 }, { I_bias: 120 }]) {
      const { sim, ids } = lifWorld()
      const plain = lifWorld()
      runSteps(sim, 300)
      runSteps(plain.sim, 300)
      if (tweak.Vth_mV !== undefined) sim.components.LIF.Vth_mV[ids[5]!] = tweak.Vth_mV
      if (tweak.I_bias !== undefined) sim.components.Neuron.I_bias[ids[5]!] = tweak.I_bias
      neuronParamsChanged(sim)
      // A copy made now starts with the new value in a fresh world (nothing cached): same future.
      const copy = load(save(sim))
      let fired = 0
      let firedPlain = 0
      runSteps(sim, 3000, [(s) => void (fired += s.components.Neuron.spiked[ids[5]!]!)])
      runSteps(copy, 3000)
      runSteps(plain.sim, 3000, [(s) => void (firedPlain += s.components.Neuron.spiked[plain.ids[5]!]!)])
      expect(stateHash(copy)).toBe(stateHash(sim))
      // And the change acts: the neuron fires more than without it.
      expect(fired).toBeGreaterThan(firedPlain + 5)
    }
  })

  test('a world built with different values per neuron keeps them per neuron', () => {
    const a = lifWorld({ Vth_mV: -54 })
    const b = lifWorld({ Vth_mV: -54 })
    const c = lifWorld()
    runSteps(a.sim, 2000)
    runSteps(b.sim, 2000)
    runSteps(c.sim, 2000)
    expect(stateHash(a.sim)).toBe(stateHash(b.sim))
    expect(stateHash(a.sim)).not.toBe(stateHash(c.sim))
  })

  test('a parameter written without neuronParamsChanged is reported within 256 steps', () => {
    const { sim, ids } = lifWorld()
    runSteps(sim, 10)
    sim.components.LIF.Vth_mV[ids[17]!] = -52
    expect(() => runSteps(sim, 256)).toThrow(/LIF parameters of neuron \d+ changed without neuronParamsChanged/)
    const other = lifWorld()
    runSteps(other.sim, 10)
    other.sim.components.Neuron.noiseSigma[other.ids[3]!] = 2
    expect(() => runSteps(other.sim, 256)).toThrow(/noiseSigma of neuron \d+ changed without neuronParamsChanged/)
  })
})

describe('receptor kinetics in the fused pass, for both neuron models', () => {
  // The input block is written out once per model (systems/membrane.ts): check each against the
  // closed forms of systems/transmission.ts — exact exponential decay of AMPA and GABA_A, and the
  // peak-normalised difference of exponentials of NMDA.
  test.each(['izhikevich', 'lif'] as const)('%s: one glutamatergic and one GABAergic arrival decay as the closed forms', (model) => {
    const dt = 0.1
    const sim = createSim({ name: 'kinetics', clock: { dt_ms: dt }, build: () => {} }, 1)
    // A neuron too hyperpolarised to fire, so only the receptors change.
    const post = addNeuron(sim, { model, v_mV: -90, I_bias: model === 'lif' ? -2000 : -60 })
    const exc = addNeuron(sim, { model, x_um: 0 })
    const inh = addNeuron(sim, { model, excitatory: false, x_um: 0 })
    addSynapse(sim, exc, post, { weight: 0.5, receptor: 'glutamate', delay_ms: 1 })
    addSynapse(sim, inh, post, { weight: 0.25, receptor: 'GABA_A', delay_ms: 1 })
    const N = sim.components.Neuron
    N.forceSpike[exc] = 1
    N.forceSpike[inh] = 1
    const p = sim.params.receptors
    const kappa = nmdaNorm(sim)
    const R = sim.components.Receptors
    runSteps(sim, 1) // spikes at step 0 …
    runSteps(sim, 9) // … arrive at step 10 (delay 1 ms)
    expect(R.g_AMPA[post]).toBe(0)
    for (let k = 0; k <= 200; k++) {
      runSteps(sim, 1)
      const t = k * dt // time since arrival
      expect(R.g_AMPA[post]).toBeCloseTo(0.5 * Math.exp(-t / p.tauAMPA_ms), 12)
      expect(R.g_GABA[post]).toBeCloseTo(0.25 * Math.exp(-t / p.tauGABA_ms), 12)
      const gN = R.nmdaDecay[post]! - R.nmdaRise[post]!
      const expected = 0.5 * p.nmdaRatio * kappa * (Math.exp(-t / p.tauNMDAdecay_ms) - Math.exp(-t / p.tauNMDArise_ms))
      expect(gN).toBeCloseTo(expected, 12)
    }
    expect(N.spiked[post]).toBe(0)
  })
})
