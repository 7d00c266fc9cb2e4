/**
 * State hash: a 64-bit fingerprint of everything that determines a world's future, used to check
 * determinism (same scene + seed ⇒ same hash, in Node and in Chromium) and snapshot round trips
 * (run 2 s ≡ run 1 s → save → load → run 1 s).
 *
 * Two independent 32-bit lanes run over a stream of 32-bit words:
 *   lane A: MurmurHash3 x86_32 block step   k ← rotl(k·c1, 15)·c2;  a ← rotl(a ⊕ k, 13)·5 + 0xe6546b64
 *   lane B: xxHash32 round                   b ← rotl(b + w·P2, 13)·P1
 * each finalised with its own avalanche, printed as 16 hex digits. Only Math.imul, shifts and
 * typed-array views are used, so the result is bit-identical on every engine (all supported
 * platforms are little-endian; floats are hashed by their bit patterns, so −0 ≠ 0 and NaN payloads
 * count).
 *
 * What is hashed, in this order (each part is also available alone from `stateHashParts`):
 *   meta     scene name, seed (it seeds streams not yet drawn from)
 *   clock    step, dt_ms, slowTick_ms, slowTickSteps, timeWarp, slow_ms, slowTicks
 *   ids      entity index: maxId, aliveCount and the free list (dense[aliveCount..]) — the order in
 *            which ids will be recycled; the order of live ids never affects the future
 *   stores   for each store (world.ts order), its member eids ascending, then each field (spec
 *            order) over those eids. Neurons and electrodes are bitecs entities: a store applies iff
 *            hasComponent; Synapse/ShortTerm apply iff Synapse.alive = 1
 *   delay    ring length, then per allocated channel: for k = 0..L−1, slot (step + k) mod L, every
 *            live neuron column (so equal contents hash equal whatever the ring's phase or width)
 *   rng      streams sorted by name: name, Alea state (c, s0, s1, s2)
 *   state    sim.state as stable JSON (sorted keys; see `stableJson`)
 *   params   sim.params as stable JSON
 * Not hashed: the events ring, the adjacency index and neuron list (pure functions of the stores),
 * store capacities, per-step scratch (`sim.spikes`, clock.slowTickDt_ms).
 *
 * Cost: ≈ 13 words per synapse; 10⁶ synapses hash in a few tens of ms.
 */
import { hasComponent, $internal } from 'bitecs'
import type { Sim, ComponentName } from './world.ts'
import { BITECS_COMPONENTS, SYNAPSE_COMPONENTS } from './world.ts'
import type { AnyTypedArray, FieldType, StoreEntry } from './store.ts'
import { entityIndexOf } from './adjacency.ts'

// ---------------------------------------------------------------------------------------------
// The two lanes
// ---------------------------------------------------------------------------------------------

export interface Hasher {
  a: number
  b: number
  /** Words consumed (mixed into the finaliser). */
  n: number
}

export function createHasher(seed = 0): Hasher {
  return { a: (0x9747b28c ^ seed) | 0, b: (0x165667b1 + seed) | 0, n: 0 }
}

function laneA(a: number, w: number): number {
  let k = Math.imul(w, 0xcc9e2d51)
  k = (k << 15) | (k >>> 17)
  k = Math.imul(k, 0x1b873593)
  a ^= k
  a = (a << 13) | (a >>> 19)
  return (Math.imul(a, 5) + 0xe6546b64) | 0
}

function laneB(b: number, w: number): number {
  b = (b + Math.imul(w, 0x85ebca77)) | 0
  b = (b << 13) | (b >>> 19)
  return Math.imul(b, 0x9e3779b1)
}

export function hashWord(h: Hasher, w: number): void {
  h.a = laneA(h.a, w)
  h.b = laneB(h.b, w)
  h.n++
}

const f64 = new Float64Array(1)
const f64w = new Uint32Array(f64.buffer)

/** A double by its bit pattern (two words). */
export function hashF64(h: Hasher, x: number): void {
  f64[0] = x
  hashWord(h, f64w[0]!)
  hashWord(h, f64w[1]!)
}

/** A string by its UTF-16 code units, length first. */
export function hashString(h: Hasher, s: string): void {
  hashWord(h, s.length)
  let a = h.a
  let b = h.b
  for (let i = 0; i < s.length; i++) {
    const w = s.charCodeAt(i)
    a = laneA(a, w)
    b = laneB(b, w)
  }
  h.a = a
  h.b = b
  h.n += s.length
}

/** All words of a Uint32Array (used for the snapshot checksum too). */
export function hashU32(h: Hasher, u: Uint32Array): void {
  let a = h.a
  let b = h.b
  for (let i = 0; i < u.length; i++) {
    const w = u[i]!
    a = laneA(a, w)
    b = laneB(b, w)
  }
  h.a = a
  h.b = b
  h.n += u.length
}

/** The two finalised lanes. */
export function digestWords(h: Hasher): [number, number] {
  let a = h.a ^ h.n
  a ^= a >>> 16
  a = Math.imul(a, 0x85ebca6b)
  a ^= a >>> 13
  a = Math.imul(a, 0xc2b2ae35)
  a ^= a >>> 16
  let b = (h.b + Math.imul(h.n, 0x27d4eb2f)) | 0
  b ^= b >>> 15
  b = Math.imul(b, 0x85ebca77)
  b ^= b >>> 13
  b = Math.imul(b, 0xc2b2ae3d)
  b ^= b >>> 16
  return [a >>> 0, b >>> 0]
}

export function digest(h: Hasher): string {
  const [a, b] = digestWords(h)
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0')
}

/** One field over a list of eids, by bit pattern (f64: two words, f32/i32/u32: one, u8/u16: value). */
function hashField(h: Hasher, arr: AnyTypedArray, type: FieldType, eids: Uint32Array): void {
  let a = h.a
  let b = h.b
  const n = eids.length
  if (type === 'f64') {
    const u = new Uint32Array(arr.buffer, arr.byteOffset, arr.length * 2)
    for (let i = 0; i < n; i++) {
      const j = eids[i]! * 2
      // An optional synapse store not yet in use is shorter than the id space: its values are 0.
      const lo = u[j] ?? 0
      const hi = u[j + 1] ?? 0
      a = laneA(laneA(a, lo), hi)
      b = laneB(laneB(b, lo), hi)
    }
    h.n += 2 * n
  } else {
    const u = type === 'f32' || type === 'i32' ? new Uint32Array(arr.buffer, arr.byteOffset, arr.length) : arr
    for (let i = 0; i < n; i++) {
      const w = u[eids[i]!] ?? 0
      a = laneA(a, w)
      b = laneB(b, w)
    }
    h.n += n
  }
  h.a = a
  h.b = b
}

// ---------------------------------------------------------------------------------------------
// Stable JSON (shared with snapshots)
// ---------------------------------------------------------------------------------------------

/** Tag for numbers JSON cannot carry (NaN, ±Infinity, −0): `{"$num": "-0"}`. */
export const NUM_TAG = '$num'

/**
 * JSON with object keys sorted at every level, so equal values give equal text whatever their
 * insertion order. Numbers JSON cannot represent exactly (NaN, ±Infinity, −0) are written as
 * `{"$num": "<String(x)>"}` (read back by `reviveNumbers`). Finite numbers are written by the
 * language's shortest round-trip formatting, so parse(stableJson(x)) restores them bit-exactly.
 */
export function stableJson(v: unknown): string {
  switch (typeof v) {
    case 'number':
      if (Number.isFinite(v) && !Object.is(v, -0)) return String(v)
      return `{"${NUM_TAG}":"${Object.is(v, -0) ? '-0' : String(v)}"}`
    case 'string':
      return JSON.stringify(v)
    case 'boolean':
      return v ? 'true' : 'false'
    case 'object': {
      if (v === null) return 'null'
      if (Array.isArray(v)) return `[${v.map((x) => (x === undefined || typeof x === 'function' ? 'null' : stableJson(x))).join(',')}]`
      if (ArrayBuffer.isView(v)) throw new Error('stableJson: typed arrays are not JSON state')
      const o = v as Record<string, unknown>
      const keys = Object.keys(o).filter((k) => o[k] !== undefined && typeof o[k] !== 'function').sort()
      return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`
    }
    default:
      throw new Error(`stableJson: cannot encode a ${typeof v}`)
  }
}

/** JSON.parse reviver undoing the `$num` tag of `stableJson`. */
export function reviveNumbers(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>
    const keys = Object.keys(o)
    if (keys.length === 1 && keys[0] === NUM_TAG && typeof o[NUM_TAG] === 'string') return Number(o[NUM_TAG])
  }
  return value
}

// ---------------------------------------------------------------------------------------------
// Membership (shared with snapshots)
// ---------------------------------------------------------------------------------------------

interface WorldInternals {
  entityComponents: Map<number, Set<unknown>>
}

/** bitecs' per-entity component sets (neurons and electrodes; synapses have none). */
export function entityComponentsOf(sim: Sim): Map<number, Set<unknown>> {
  return (sim.world as unknown as Record<symbol, WorldInternals>)[$internal]!.entityComponents
}

/** Live bitecs entities (neurons, electrodes), ascending. */
export function bitecsEntities(sim: Sim): Uint32Array {
  const ids = Uint32Array.from(entityComponentsOf(sim).keys())
  return ids.sort()
}

/** Live synapse eids, ascending (Synapse.alive = 1). */
export function liveSynapses(sim: Sim): Uint32Array {
  const alive = sim.components.Synapse.alive
  const top = Math.min(alive.length - 1, entityIndexOf(sim).maxId)
  let count = 0
  for (let e = 1; e <= top; e++) count += alive[e]!
  const out = new Uint32Array(count)
  let k = 0
  for (let e = 1; e <= top; e++) if (alive[e] === 1) out[k++] = e
  return out
}

/** Member eids of every store, ascending. */
export function storeMembers(sim: Sim, entities = bitecsEntities(sim), synapses = liveSynapses(sim)): Record<ComponentName, Uint32Array> {
  const out = {} as Record<ComponentName, Uint32Array>
  for (const name of BITECS_COMPONENTS) {
    const C = sim.components[name]
    out[name] = entities.filter((e) => hasComponent(sim.world, e, C))
  }
  for (const name of SYNAPSE_COMPONENTS) out[name] = synapses
  return out
}

// ---------------------------------------------------------------------------------------------
// The state hash
// ---------------------------------------------------------------------------------------------

export interface StateHashParts {
  meta: string
  clock: string
  ids: string
  stores: string
  delay: string
  rng: string
  state: string
  params: string
}

function part(fill: (h: Hasher) => void): string {
  const h = createHasher()
  fill(h)
  return digest(h)
}

/** The hash of each part of the state separately (to tell *what* differs when two hashes do). */
export function stateHashParts(sim: Sim): StateHashParts {
  const members = storeMembers(sim)
  const neurons = members.Neuron
  return {
    meta: part((h) => {
      hashString(h, sim.sceneName)
      hashString(h, sim.seed)
    }),
    clock: part((h) => {
      const t = sim.time
      for (const x of [t.step, t.dt_ms, t.slowTick_ms, t.slowTickSteps, t.timeWarp, t.slow_ms, t.slowTicks]) hashF64(h, x)
    }),
    ids: part((h) => {
      const index = entityIndexOf(sim)
      hashWord(h, index.maxId)
      hashWord(h, index.aliveCount)
      for (let i = index.aliveCount; i < index.dense.length; i++) hashWord(h, index.dense[i]!)
    }),
    stores: part((h) => {
      for (const name of Object.keys(sim.stores) as ComponentName[]) {
        const entry = sim.stores[name] as StoreEntry
        const eids = members[name]
        hashString(h, name)
        hashWord(h, eids.length)
        hashU32(h, eids)
        const data = entry.data as Record<string, AnyTypedArray>
        for (const field of Object.keys(entry.spec)) hashField(h, data[field]!, entry.spec[field]!, eids)
      }
    }),
    delay: part((h) => hashDelay(h, sim, neurons)),
    rng: part((h) => {
      const names = [...sim.rng.streams.keys()].sort()
      for (const name of names) {
        const s = sim.rng.streams.get(name)!.state()
        hashString(h, name)
        for (const x of [s.c, s.s0, s.s1, s.s2]) hashF64(h, x)
      }
    }),
    state: part((h) => hashString(h, stableJson(sim.state))),
    params: part((h) => hashString(h, stableJson(sim.params))),
  }
}

function hashDelay(h: Hasher, sim: Sim, neurons: Uint32Array): void {
  const ring = sim.indices.delay
  const L = ring.length
  const W = ring.width
  const step = sim.time.step
  hashWord(h, L)
  for (let c = 0; c < ring.channels.length; c++) {
    const ch = ring.channels[c]
    hashWord(h, ch ? c + 1 : 0)
    if (!ch) continue
    const u = new Uint32Array(ch.buffer, ch.byteOffset, ch.length)
    let a = h.a
    let b = h.b
    for (let k = 0; k < L; k++) {
      const base = ((step + k) % L) * W
      for (let i = 0; i < neurons.length; i++) {
        const n = neurons[i]!
        const w = n < W ? u[base + n]! : 0
        a = laneA(a, w)
        b = laneB(b, w)
      }
    }
    h.a = a
    h.b = b
    h.n += L * neurons.length
  }
}

/** 64-bit state hash (16 hex digits) of everything that determines the world's future. */
export function stateHash(sim: Sim): string {
  const parts = stateHashParts(sim)
  const h = createHasher(1)
  for (const k of Object.keys(parts) as (keyof StateHashParts)[]) hashString(h, parts[k])
  return digest(h)
}
