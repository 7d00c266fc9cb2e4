/**
 * Snapshots: the design contract (run 2 s ≡ run 1 s → save → load → run 1 s, same stateHash) for
 * every scene, with a protocol mid-train, current pulses on and spikes in flight across the save;
 * byte-identical re-saves; exact id recycling after load; and refusal of bad input with a clear
 * message, leaving the caller's world untouched.
 */
import { describe, it, expect } from 'vitest'
import { createSim, type Sim } from '../src/engine/world.ts'
import { run } from '../src/engine/pipeline.ts'
import { SCENES } from '../scenes/index.ts'
import { stateHash } from '../src/engine/hash.ts'
import { save, load, checksum, SnapshotError, FORMAT_VERSION } from '../src/engine/snapshot.ts'
import { utf8Decode, utf8Encode } from '../src/engine/utf8.ts'
import { addElectrode, addNeuron, addSynapse, neuronIds, removeNeuron, removeSynapse } from '../src/engine/entities.ts'
import { startProtocol, PRESETS, addChannel } from '../src/engine/protocols.ts'
import { entityIndexOf } from '../src/engine/adjacency.ts'

const SEED = 42

/** Nonzero entries in the delay ring = synaptic input in flight. */
function inFlight(sim: Sim): number {
  let n = 0
  for (const ch of sim.indices.delay.channels) if (ch) for (let i = 0; i < ch.length; i++) if (ch[i] !== 0) n++
  return n
}

/** Small worlds of the three scenes, with stimulation running across t = 1 s. */
const WORLDS: Record<string, () => Sim> = {
  hippocampalSlice: () => {
    const sim = createSim(SCENES.hippocampalSlice!({ nCA3: 40, nCA1: 20, nInterneurons: 6 }), SEED)
    // HFS (100 Hz × 100) over the CA3 S1 cells from 509 ms: mid-train at 1 s, a pulse at 999 ms whose
    // spikes are still travelling down the Schaffer collaterals at the save.
    const s1 = addElectrode(sim, { x_um: 350, y_um: 255, radius_um: 300, population: 0, mode: 'spike' })
    startProtocol(sim, s1, PRESETS.HFS!, 509)
    // Current pulses (5 ms wide, every 10 ms from 998 ms) into CA1 pyramidal cells: one is on at 1 s.
    const ca1 = addElectrode(sim, { x_um: 1225, y_um: 450, radius_um: 300, population: 2, mode: 'current', amplitude: 6, pulseWidth_ms: 5 })
    startProtocol(sim, ca1, { kind: 'train', freq_Hz: 100, count: 50 }, 998)
    return sim
  },
  corticalSheet: () => {
    const sim = createSim(SCENES.corticalSheet!({ n: 150, synapsesPerNeuron: 20 }), SEED)
    addChannel(sim, 'whisker', Array.from(neuronIds(sim).subarray(0, 12)), 20)
    const e = addElectrode(sim, { x_um: 500, y_um: 500, radius_um: 200, mode: 'spike' })
    startProtocol(sim, e, PRESETS.poisson!, 100)
    return sim
  },
  izhikevich2003: () => {
    const sim = createSim(SCENES.izhikevich2003!({ ne: 80, ni: 20 }), SEED)
    // A pulse in the last step before 1 s, so δ input (1-step delay) is in flight at the save.
    const e = addElectrode(sim, { x_um: 300, y_um: 300, radius_um: 250, mode: 'spike' })
    startProtocol(sim, e, PRESETS.pulse!, 999)
    return sim
  },
}

describe('snapshot round trip', () => {
  for (const [name, make] of Object.entries(WORLDS)) {
    it(`${name}: run 2 s ≡ run 1 s → save → load → run 1 s`, () => {
      const whole = make()
      run(whole, 2000)
      const half = make()
      run(half, 1000)
      expect(inFlight(half)).toBeGreaterThan(0)
      if (name === 'hippocampalSlice') {
        const hfs = half.state.protocols.find((p) => p.spec.kind === 'train' && p.spec.count === 100)!
        expect(hfs.next).toBeGreaterThan(0)
        expect(hfs.next).toBeLessThan(100)
        expect(half.state.pulses.length).toBeGreaterThan(0)
      }
      const before = stateHash(half)
      const bytes = save(half)
      expect(stateHash(half)).toBe(before) // saving does not disturb the world
      const copy = load(bytes)
      expect(copy).not.toBe(half)
      expect(stateHash(copy)).toBe(before)
      expect(copy.synapseCount).toBe(half.synapseCount)
      run(copy, 1000)
      run(half, 1000)
      expect(stateHash(half)).toBe(stateHash(whole))
      expect(stateHash(copy)).toBe(stateHash(whole))
      expect(stateHash(whole)).not.toBe(before)
    })
  }

  it('save → load → save gives identical bytes', () => {
    for (const make of Object.values(WORLDS)) {
      const sim = make()
      run(sim, 137)
      const a = save(sim)
      const b = save(load(a))
      expect(b.length).toBe(a.length)
      expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0)
    }
  })

  it('restores the entity index, so ids are recycled exactly as in the original', () => {
    const sim = WORLDS.hippocampalSlice!()
    run(sim, 50)
    const ids = neuronIds(sim)
    removeNeuron(sim, ids[3]!)
    removeNeuron(sim, ids[30]!)
    const syn: number[] = []
    for (let s = 1; s < sim.components.Synapse.alive.length && syn.length < 5; s += 7) if (sim.components.Synapse.alive[s]) syn.push(s)
    for (const s of syn) removeSynapse(sim, s)
    run(sim, 50)
    const copy = load(save(sim))
    expect(entityIndexOf(copy)).toMatchObject({ ...entityIndexOf(sim) })
    for (const w of [sim, copy]) {
      const a = addNeuron(w, { type: 'RS', x_um: 1200, y_um: 450, region: 1, population: 2 })
      const b = addNeuron(w, { type: 'FS', excitatory: false, x_um: 1100, y_um: 400, region: 1, population: 3 })
      addSynapse(w, a, b, { weight: 0.05 })
      addSynapse(w, b, neuronIds(w)[40]!, { weight: 0.02 })
    }
    expect(neuronIds(copy)).toEqual(neuronIds(sim))
    expect(stateHash(copy)).toBe(stateHash(sim))
    run(sim, 200)
    run(copy, 200)
    expect(stateHash(copy)).toBe(stateHash(sim))
  })
})

describe('snapshot contents', () => {
  it('params with −0, ±Infinity, NaN and non-ASCII text survive exactly', () => {
    const sim = WORLDS.izhikevich2003!()
    sim.params.scene = { ...sim.params.scene, negZero: -0, inf: -Infinity, nan: NaN, label: 'Schäffer → CA1 😀' }
    const copy = load(save(sim))
    const scene = copy.params.scene as Record<string, unknown>
    expect(Object.is(scene.negZero, -0)).toBe(true)
    expect(scene.inf).toBe(-Infinity)
    expect(scene.nan).toBeNaN()
    expect(scene.label).toBe('Schäffer → CA1 😀')
    expect(stateHash(copy)).toBe(stateHash(sim))
  })

  it('10⁶ synapses: hash well under a second, save/load round trip', () => {
    const sim = createSim(SCENES.corticalSheet!({ n: 10000, synapsesPerNeuron: 100 }), 1)
    expect(sim.synapseCount).toBe(1_000_000)
    run(sim, 2)
    let t = performance.now()
    const h = stateHash(sim)
    const hash_ms = performance.now() - t
    t = performance.now()
    const bytes = save(sim)
    const copy = load(bytes)
    const roundTrip_ms = performance.now() - t
    expect(stateHash(copy)).toBe(h)
    expect(hash_ms).toBeLessThan(1000)
    expect(roundTrip_ms).toBeLessThan(3000)
    expect(bytes.length / sim.synapseCount).toBeLessThan(60) // ≈ 38 B of stores + 4 B of id + neurons and ring
  })
})

/** Rebuild a snapshot around a changed header and/or data, with a valid checksum. */
function rewrite(bytes: Uint8Array, edit: { header?: (h: Record<string, any>) => void; data?: (d: Uint8Array, h: Record<string, any>) => void }): Uint8Array {
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)
  const headerLen = words[2]!
  const header = JSON.parse(utf8Decode(bytes.subarray(24, 24 + headerLen)))
  const dataStart = (24 + headerLen + 7) & ~7
  const data = bytes.slice(dataStart, bytes.length - 8)
  edit.header?.(header)
  edit.data?.(data, header)
  const hb = utf8Encode(JSON.stringify(header))
  const D = (24 + hb.length + 7) & ~7
  const total = D + data.length + 8
  const out = new Uint8Array(total)
  out.set(bytes.subarray(0, 24))
  const u = new Uint32Array(out.buffer)
  u[2] = hb.length
  u[4] = total
  out.set(hb, 24)
  out.set(data, D)
  const [a, b] = checksum(u.subarray(0, total / 4 - 2))
  u[total / 4 - 2] = a
  u[total / 4 - 1] = b
  return out
}

describe('snapshot refuses bad input', () => {
  const sim = WORLDS.hippocampalSlice!()
  run(sim, 120)
  const good = save(sim)
  const hash = stateHash(sim)
  const refuse = (bytes: Uint8Array, message: string | RegExp, maxBytes?: number) => {
    let err: unknown
    try {
      load(bytes, maxBytes === undefined ? {} : { maxBytes })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(SnapshotError)
    if (typeof message === 'string') expect((err as Error).message).toBe(message)
    else expect((err as Error).message).toMatch(message)
  }

  it('accepts the good bytes (also from an unaligned view)', () => {
    expect(stateHash(load(good))).toBe(hash)
    const shifted = new Uint8Array(good.length + 3)
    shifted.set(good, 3)
    expect(stateHash(load(shifted.subarray(3)))).toBe(hash)
  })

  it('truncated', () => {
    refuse(good.subarray(0, good.length - 100), `snapshot is truncated: expected ${good.length} bytes, got ${good.length - 100}`)
    refuse(good.subarray(0, 10), 'snapshot is truncated: expected at least 24 bytes, got 10')
  })

  it('corrupted (one byte flipped in the middle)', () => {
    const bad = good.slice()
    bad[bad.length >> 1]! ^= 0xff
    refuse(bad, 'snapshot checksum mismatch (corrupted)')
  })

  it('wrong format version', () => {
    const bad = good.slice()
    new DataView(bad.buffer).setUint32(4, 7, true)
    refuse(bad, `snapshot format version 7 is not supported (this build reads ${FORMAT_VERSION})`)
  })

  it('wrong magic', () => {
    const bad = good.slice()
    bad[0] = 0x58
    refuse(bad, 'not a Neuroplast snapshot (bad magic)')
    refuse(utf8Encode('{"hello": "world"}'), 'not a Neuroplast snapshot (bad magic)')
    refuse(new Uint8Array(0), 'not a Neuroplast snapshot (bad magic)')
  })

  it('oversized (limit parameter)', () => {
    refuse(good, `snapshot is too large: ${good.length} bytes exceeds the limit of 1000`, 1000)
    // The declared length is checked too, before anything is read or allocated.
    const claims = good.slice(0, 64)
    new DataView(claims.buffer).setUint32(20, 5, true) // total ≈ 20 GiB
    refuse(claims, /^snapshot is too large: \d+ bytes exceeds the limit of 2147483648$/)
  })

  it('inconsistent header or data behind a valid checksum', () => {
    refuse(rewrite(good, { header: (h) => (h.stores[0].capacity = 1e12) }), /capacity 1000000000000 is out of range/)
    refuse(rewrite(good, { header: (h) => (h.stores[3].offset = h.dataBytes) }), /runs past the data/)
    refuse(rewrite(good, { header: (h) => (h.clock = null) }), /snapshot header: clock missing/)
    refuse(rewrite(good, { header: (h) => (h.entityIndex.maxId += 1) }), /entityIndex.dense: \d+ bytes, expected \d+/)
    refuse(
      rewrite(good, {
        data: (d, h) => {
          // First live synapse's pre → an id that is not a neuron.
          const alive = h.stores.find((f: any) => f.store === 'Synapse' && f.field === 'alive')
          const pre = h.stores.find((f: any) => f.store === 'Synapse' && f.field === 'pre')
          let e = 1
          while (d[alive.offset + e] !== 1) e++
          new DataView(d.buffer).setUint32(pre.offset + 4 * e, 999999, true)
        },
      }),
      /^snapshot is inconsistent: synapse \d+ does not join live neurons$/,
    )
    refuse(rewrite(good, { header: (h) => (h.state.protocols[0].electrode = 1) }), /protocol 1 drives 1, which is not an electrode/)
  })

  it('a failed load leaves the original world untouched', () => {
    expect(stateHash(sim)).toBe(hash)
    const twin = WORLDS.hippocampalSlice!()
    run(twin, 120)
    run(twin, 300)
    run(sim, 300)
    expect(stateHash(sim)).toBe(stateHash(twin))
  })
})
