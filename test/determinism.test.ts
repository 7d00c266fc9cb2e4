/**
 * Determinism (Node side): same scene + seed ⇒ same state hash; a different seed ⇒ a different
 * world; worlds side by side share nothing; removal and re-addition of neurons and synapses (id
 * recycling) stay deterministic and keep the adjacency index equal to a brute-force scan; and the
 * hash actually sees every part of the state it claims to cover.
 */
import { describe, it, expect } from 'vitest'
import { createSim, type Sim } from '../src/engine/world.ts'
import { run } from '../src/engine/pipeline.ts'
import { SCENES } from '../scenes/index.ts'
import { stateHash, stateHashParts } from '../src/engine/hash.ts'
import { adjacency, entityIndexOf } from '../src/engine/adjacency.ts'
import { addNeuron, addSynapse, isNeuron, neuronIds, removeNeuron, removeSynapse } from '../src/engine/entities.ts'
import { stream } from '../src/engine/rng.ts'

const SMALL: Record<string, Record<string, unknown>> = {
  hippocampalSlice: { nCA3: 30, nCA1: 15, nInterneurons: 5 },
  corticalSheet: { n: 120, synapsesPerNeuron: 15 },
  izhikevich2003: { ne: 60, ni: 15 },
}
const make = (name: string, seed: number | string) => createSim(SCENES[name]!(SMALL[name]), seed)

describe('state hash determinism', () => {
  for (const name of Object.keys(SMALL)) {
    it(`${name}: same seed ⇒ same hash, different seed ⇒ different world`, () => {
      const a = make(name, 1)
      const b = make(name, 1)
      const c = make(name, 2)
      expect(stateHash(a)).toMatch(/^[0-9a-f]{16}$/)
      expect(stateHash(a)).toBe(stateHash(b))
      run(a, 300)
      run(b, 300)
      run(c, 300)
      expect(stateHash(a)).toBe(stateHash(b))
      expect(stateHash(a)).not.toBe(stateHash(c))
      // Not just the seed string: the tissue itself differs.
      expect(stateHashParts(a).stores).not.toBe(stateHashParts(c).stores)
    })
  }

  it('two worlds side by side share no state', () => {
    const a = make('corticalSheet', 5)
    const b = make('corticalSheet', 5)
    const h0 = stateHash(b)
    run(a, 200)
    expect(stateHash(b)).toBe(h0)
    expect(stateHash(a)).not.toBe(h0)
    run(b, 200)
    expect(stateHash(b)).toBe(stateHash(a))
  })
})

/** Adjacency rows must equal a scan of the synapse store (ascending eids). */
function checkAdjacency(sim: Sim): void {
  const adj = adjacency(sim)
  const S = sim.components.Synapse
  const out = new Map<number, number[]>()
  const inn = new Map<number, number[]>()
  let alive = 0
  for (let s = 1; s < S.alive.length; s++) {
    if (S.alive[s] !== 1) continue
    alive++
    expect(isNeuron(sim, S.pre[s]!)).toBe(true)
    expect(isNeuron(sim, S.post[s]!)).toBe(true)
    if (!out.has(S.pre[s]!)) out.set(S.pre[s]!, [])
    if (!inn.has(S.post[s]!)) inn.set(S.post[s]!, [])
    out.get(S.pre[s]!)!.push(s)
    inn.get(S.post[s]!)!.push(s)
  }
  expect(sim.synapseCount).toBe(alive)
  for (let n = 0; n < adj.rows; n++) {
    expect(Array.from(adj.preSyn.subarray(adj.preStart[n]!, adj.preStart[n + 1]!))).toEqual(out.get(n) ?? [])
    expect(Array.from(adj.postSyn.subarray(adj.postStart[n]!, adj.postStart[n + 1]!))).toEqual(inn.get(n) ?? [])
  }
}

/** Remove every third synapse of some neurons, a few neurons, then grow new ones (recycled ids). */
function churn(sim: Sim, round: number): { recycled: number } {
  const rng = stream(sim.rng, 'test-churn')
  const S = sim.components.Synapse
  const maxIdBefore = entityIndexOf(sim).maxId
  for (let s = 1 + round; s < S.alive.length; s += 3) if (S.alive[s] === 1 && rng.next() < 0.5) removeSynapse(sim, s)
  const ids = neuronIds(sim)
  const removedNeurons = [ids[2 + round]!, ids[ids.length - 3 - round]!, ids[Math.floor(ids.length / 2)]!]
  for (const n of removedNeurons) removeNeuron(sim, n)
  // Removing a neuron removes every synapse onto or from it (checked before its id is reused).
  for (const n of removedNeurons) {
    expect(isNeuron(sim, n)).toBe(false)
    for (let s = 1; s < S.alive.length; s++) if (S.alive[s] === 1) expect(S.pre[s] === n || S.post[s] === n).toBe(false)
  }
  checkAdjacency(sim)
  const born: number[] = []
  for (let k = 0; k < 6; k++)
    born.push(addNeuron(sim, { type: k % 2 ? 'FS' : 'RS', excitatory: k % 2 === 0, x_um: 1000 * rng.next(), y_um: 800 * rng.next(), region: 1, population: 2 }))
  const live = neuronIds(sim)
  for (const n of born)
    for (let k = 0; k < 8; k++) {
      const other = live[Math.floor(rng.next() * live.length)]!
      if (other !== n) addSynapse(sim, k % 2 ? n : other, k % 2 ? other : n, { weight: 0.03 })
    }
  const recycled = born.filter((e) => e <= maxIdBefore).length
  return { recycled }
}

describe('removal, re-addition and id recycling', () => {
  it('stays deterministic and keeps the adjacency index consistent', () => {
    const worlds = [make('hippocampalSlice', 9), make('hippocampalSlice', 9)]
    for (let round = 0; round < 3; round++) {
      const results = worlds.map((w) => {
        run(w, 100)
        const r = churn(w, round)
        checkAdjacency(w)
        return r
      })
      expect(results[0]!.recycled).toBeGreaterThan(0)
      expect(stateHash(worlds[0]!)).toBe(stateHash(worlds[1]!))
    }
    run(worlds[0]!, 200)
    run(worlds[1]!, 200)
    checkAdjacency(worlds[0]!)
    expect(stateHash(worlds[0]!)).toBe(stateHash(worlds[1]!))
  })
})

describe('the hash sees every part of the state', () => {
  const base = () => {
    const sim = make('hippocampalSlice', 3)
    run(sim, 30)
    return sim
  }
  const h0 = stateHash(base())
  const changes: Record<string, (sim: Sim) => void> = {
    'one synapse weight (f32, last bit)': (sim) => {
      const w = sim.components.Synapse.weight
      const u = new Uint32Array(w.buffer, w.byteOffset, w.length)
      u[sim.synapseCount >> 1]! ^= 1
    },
    'one membrane potential (f64, last bit)': (sim) => {
      const v = sim.components.Neuron.v_mV
      new Uint32Array(v.buffer, v.byteOffset, v.length * 2)[2 * neuronIds(sim)[5]!]! ^= 1
    },
    'input in flight': (sim) => {
      const ring = sim.indices.delay
      ring.channels[0]![((sim.time.step + 3) % ring.length) * ring.width + neuronIds(sim)[40]!]! += 0.001
    },
    'a random stream': (sim) => void stream(sim.rng, 'noise').next(),
    'the clock': (sim) => void (sim.time.slow_ms += 1),
    'state (a protocol counter)': (sim) => void sim.state.nextProtocolId++,
    params: (sim) => void (sim.params.receptors.Mg_mM = 1.2),
  }
  for (const [what, change] of Object.entries(changes))
    it(what, () => {
      const sim = base()
      expect(stateHash(sim)).toBe(h0)
      change(sim)
      expect(stateHash(sim)).not.toBe(h0)
    })

  it('the order in which ids will be recycled', () => {
    // Same live entities, same stores; only the free list differs (and so would the next ids).
    const [x, y] = [base(), base()]
    const S = x.components.Synapse
    const [s1, s2] = [1, 2].map((k) => {
      let s = 0
      for (let seen = 0; seen < k; ) if (S.alive[++s] === 1) seen++
      return s
    })
    removeSynapse(x, s1!)
    removeSynapse(x, s2!)
    removeSynapse(y, s2!)
    removeSynapse(y, s1!)
    expect(stateHashParts(x).stores).toBe(stateHashParts(y).stores)
    expect(stateHash(x)).not.toBe(stateHash(y))
  })
})
