/**
 * STDP (systems/stdp.ts) beyond the published protocols: every rule variant (pair / triplet,
 * additive / multiplicative, all-to-all / nearest) against the rule's equations on random spike
 * trains; snapshot round trips with STDP on; removal of neurons with plastic synapses; and bad
 * input refused with the rule and field named.
 */
import { describe, expect, test } from 'vitest'
import { createSim, type Scene, type Sim } from '../src/engine/world.ts'
import { addNeuron, addSynapse, removeNeuron } from '../src/engine/entities.ts'
import { run, step } from '../src/engine/pipeline.ts'
import { stateHash } from '../src/engine/hash.ts'
import { save, load } from '../src/engine/snapshot.ts'
import { entityIndexOf } from '../src/engine/adjacency.ts'
import { STDP_RULES, type StdpRule } from '../components/plasticity.ts'
import { setStdpRule } from '../systems/stdp.ts'
import { DT, NONE, VALIDATION_RULE, addPair, emptyWorld, forceSchedule, recorder, reference } from './stdpHelpers.ts'

// ---------------------------------------------------------------------------------------------
// Random spike trains: every rule variant against the equations
// ---------------------------------------------------------------------------------------------

describe('random spike trains, all rule variants', () => {
  // A small deterministic generator for the test's own spike times (not the engine's streams).
  function lcg(seed: number) {
    let s = seed >>> 0
    return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32)
  }
  const variants: StdpRule[] = []
  for (const kind of ['pair', 'triplet'] as const)
    for (const weightDependence of ['additive', 'multiplicative'] as const)
      for (const pairing of ['allToAll', 'nearest'] as const)
        variants.push({
          name: `${kind}-${weightDependence}-${pairing}`, kind, weightDependence, pairing, wMax: 1,
          Aplus: 0.01, Aminus: 0.012, tauPlus_ms: 16.8, tauMinus_ms: 33.7,
          ...(kind === 'triplet' ? { A3plus: 0.008, A3minus: 0.002, tauX_ms: 101, tauY_ms: 125 } : {}),
        })
  for (const rule of variants) {
    test(`${rule.name}: 2 s of 30 Hz Poisson pre and post spikes match the event-driven rule`, () => {
      const sim = emptyWorld([rule])
      const pairs = [0, 1, 2].map((i) => addPair(sim, i, rule.name, 0.3 + 0.2 * i))
      const rnd = lcg(rule.name.length * 7919 + 13)
      const schedule: [number, number][] = []
      for (const p of pairs)
        for (const n of [p.pre, p.post]) for (let t = 1; t < 2000; t += 0.1) if (rnd() < 30 * 1e-4) schedule.push([t, n])
      const rec = recorder(sim)
      forceSchedule(sim, schedule, 5, [rec.observe])
      pairs.forEach((p, i) => {
        const w0 = 0.3 + 0.2 * i
        const want = reference(rule, rec.of(p.pre), rec.of(p.post), w0)
        expect(rec.of(p.pre).length).toBeGreaterThan(30)
        expect(Math.abs(sim.components.Synapse.weight[p.syn]! - want)).toBeLessThan(1e-5)
        expect(sim.components.Synapse.weight[p.syn]).not.toBe(Math.fround(w0))
      })
    })
  }
})

// ---------------------------------------------------------------------------------------------
// Snapshots, errors, removal
// ---------------------------------------------------------------------------------------------

/** A small recurrent Izhikevich network with Poisson drive and two STDP rules sharing τ±. */
function plasticNetwork(): Scene {
  const pairMult: StdpRule = {
    name: 'pairMult', kind: 'pair', Aplus: 0.01, Aminus: 0.0105, tauPlus_ms: 16.8, tauMinus_ms: 33.7,
    weightDependence: 'multiplicative', pairing: 'allToAll', wMax: 0.1,
  }
  const visual = { ...STDP_RULES.find((r) => r.name === 'tripletVisualFull')!, wMax: 0.1 }
  return {
    name: 'stdp-network',
    clock: { dt_ms: DT },
    params: { stdpRules: [NONE, pairMult, visual] },
    build(sim) {
      const ids: number[] = []
      for (let i = 0; i < 60; i++)
        ids.push(addNeuron(sim, {
          x_um: (i % 8) * 50, y_um: Math.floor(i / 8) * 50, type: i < 48 ? 'RS' : 'FS', excitatory: i < 48,
          drive: { rate_Hz: 900, weight: 0.05, receptor: 'AMPA' },
        }))
      let k = 0
      for (let i = 0; i < 60; i++)
        for (let j = 0; j < 60; j++) {
          if (i === j || (i * 31 + j * 17) % 7 !== 0) continue
          const exc = i < 48
          addSynapse(sim, ids[i]!, ids[j]!, {
            weight: exc ? 0.05 : 0.2,
            receptor: exc ? 'AMPA' : 'GABA_A',
            stdp: exc && j < 48 ? (k++ % 2 === 0 ? 'pairMult' : 'tripletVisualFull') : undefined,
          })
        }
    },
  }
}

describe('snapshots and state', () => {
  test('run 2 s ≡ run 1 s → save → load → run 1 s (same stateHash) with STDP on', () => {
    const whole = createSim(plasticNetwork(), 7)
    const w0 = Float32Array.from(whole.components.Synapse.weight)
    run(whole, 2000)
    const half = createSim(plasticNetwork(), 7)
    run(half, 1000)
    const copy = load(save(half))
    expect(stateHash(copy)).toBe(stateHash(half))
    run(copy, 1000)
    run(half, 1000)
    expect(stateHash(half)).toBe(stateHash(whole))
    expect(stateHash(copy)).toBe(stateHash(whole))
    // STDP did something, on both rules.
    const { weight, alive } = whole.components.Synapse
    const rule = whole.components.Plasticity.rule
    const changed = [0, 0, 0]
    for (let s = 1; s < alive.length; s++) if (alive[s] && weight[s] !== w0[s]) changed[rule[s]!]!++
    expect(changed[0]).toBe(0)
    expect(changed[1]).toBeGreaterThan(50)
    expect(changed[2]).toBeGreaterThan(50)
    // And the traces are part of the state: a world without them differs.
    const other = createSim(plasticNetwork(), 7)
    run(other, 1000)
    other.components.StdpTrace.o1[1] = 0.123
    expect(stateHash(other)).not.toBe(stateHash(half))
  })

  test('removing a neuron with plastic synapses mid-run', () => {
    const sim = createSim(plasticNetwork(), 3)
    run(sim, 200)
    removeNeuron(sim, 1)
    run(sim, 200)
    expect(sim.synapseCount).toBeGreaterThan(0)
  })
})

describe('bad input', () => {
  test('an unknown rule is refused before anything is written', () => {
    const sim = emptyWorld([VALIDATION_RULE])
    const a = addNeuron(sim)
    const b = addNeuron(sim)
    const maxId = entityIndexOf(sim).maxId
    expect(() => addSynapse(sim, a, b, { weight: 1, stdp: 'nope' })).toThrow(/unknown STDP rule "nope" \(rules: none, validation\)/)
    expect(() => addSynapse(sim, a, b, { weight: 1, stdp: 7 })).toThrow(/unknown STDP rule index 7/)
    expect(sim.synapseCount).toBe(0)
    expect(entityIndexOf(sim).maxId).toBe(maxId)
    const s = addSynapse(sim, a, b, { weight: 1 })
    expect(() => setStdpRule(sim, s, 'nope')).toThrow(/unknown STDP rule/)
    expect(sim.components.Plasticity.rule[s] ?? 0).toBe(0) // an unused rule store stays unallocated (src/engine/store.ts, growWith)
    expect(() => setStdpRule(sim, 999, 1)).toThrow(/999 is not a live synapse/)
  })

  test('invalid rules are refused with the field and the reason', () => {
    const bad = (patch: Record<string, unknown>) => emptyWorld([{ ...VALIDATION_RULE, ...patch } as StdpRule])
    const tryAdd = (sim: Sim) => addSynapse(sim, addNeuron(sim), addNeuron(sim), { weight: 1, stdp: 1 })
    expect(() => tryAdd(bad({ Aminus: -0.00525 }))).toThrow(/params\.stdpRules\[1\] "validation": Aminus must be a finite number ≥ 0 \(a magnitude; depression subtracts\)/)
    expect(() => tryAdd(bad({ A3plus: 0.1 }))).toThrow(/A3plus is a triplet parameter, but kind is "pair"/)
    expect(() => tryAdd(bad({ tauPlus_ms: 0 }))).toThrow(/tauPlus_ms must be a finite number > 0/)
    expect(() => tryAdd(bad({ pairing: 'nearestNeighbour' }))).toThrow(/pairing must be "allToAll" or "nearest"/)
    expect(() => tryAdd(bad({ wMaxx: 1 }))).toThrow(/unknown field "wMaxx"/)
    const noPlaceholder = createSim({ name: 'x', clock: { dt_ms: DT }, params: { stdpRules: [VALIDATION_RULE] }, build: () => {} }, 1)
    expect(() => tryAdd(noPlaceholder)).toThrow(/entry 0 must be the placeholder named "none"/)
  })

  test('rules in use must share trace time constants; an edit in place is checked at the next step', () => {
    const other: StdpRule = { ...VALIDATION_RULE, name: 'slow', tauPlus_ms: 40 }
    const sim = emptyWorld([VALIDATION_RULE, other])
    addPair(sim, 0, 'validation')
    addPair(sim, 1, 'slow')
    expect(() => step(sim)).toThrow(/"validation" and "slow" are both in use but differ in tauPlus_ms \(20 vs 40\)/)
    sim.params.stdpRules[2]!.tauPlus_ms = 20
    step(sim)
    sim.params.stdpRules[2]!.Aplus = Number.NaN
    expect(() => step(sim)).toThrow(/"slow": Aplus must be a finite number ≥ 0/)
  })
})
