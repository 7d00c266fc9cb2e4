/**
 * Binary snapshots: `save(sim)` writes a world to bytes, `load(bytes)` builds a brand-new world from
 * them that continues exactly as the original would have (run 2 s ≡ run 1 s → save → load → run 1 s,
 * same stateHash). `load` never touches an existing world, so a failed load changes nothing.
 *
 * Layout (little-endian; every block starts on an 8-byte boundary):
 *
 *   0   "NPLS"                      magic
 *   4   u32 format version          (FORMAT_VERSION)
 *   8   u32 header byte length H
 *   12  u32 reserved (0)
 *   16  u32 total length, low word  (whole file, checksum included)
 *   20  u32 total length, high word
 *   24  header: UTF-8 stable JSON (see `Header`), zero-padded to 8
 *   D   data: raw blocks at D + offset (offsets in the header are relative to D)
 *         entity index dense array (u32 × maxId)
 *         store fields, eids 0 .. length−1 (length = highest member eid + 1), as in memory
 *         delay ring channels in canonical slot order: block row k = slot (step + k) mod L,
 *         columns 0 .. cols−1 (cols = highest neuron eid + 1; columns beyond are always zero)
 *   end−8  checksum: the state-hash lanes (hash.ts) over every 32-bit word before it
 *
 * The dense array goes in a binary block rather than in the JSON header: it has one entry per
 * entity id (synapses included), and 4 bytes beat ≈ 8 characters of JSON per synapse.
 *
 * Refusal (`SnapshotError`, nothing built): bad magic, unknown version, too large (`maxBytes`,
 * default 2 GiB, checked against both the input and its declared length), truncated or trailing
 * bytes, checksum mismatch; then every header size and offset is checked against the data, and the
 * memory the new world would take against the input's size, before anything is allocated; finally
 * the restored ids, entities, synapses (live neurons at both ends, delay inside the ring) and
 * protocols (live electrodes) are checked for consistency.
 *
 * Restoring ids: bitecs 0.4 has no public API to adopt an existing entity id, and a world's future
 * ids (recycling order!) must continue exactly. So `load` writes the entity index internals (dense,
 * sparse rebuilt from dense, aliveCount, maxId) directly, and for each bitecs entity creates its
 * component set the way `addEntity` does (`world[$internal].entityComponents.set(eid, new Set())`)
 * before `addComponent`, which then maintains the masks and the registered queries itself.
 */
import { utf8Encode, utf8Decode } from './utf8.ts'
import { addComponent, $internal } from 'bitecs'
import { createEmptySim, makeComponents, BITECS_COMPONENTS, SYNAPSE_COMPONENTS, type ComponentName, type Params, type Sim } from './world.ts'
import { BYTES_PER, resize, type AnyTypedArray, type FieldType, type StoreEntry } from './store.ts'
import { entityIndexOf } from './adjacency.ts'
import { CHANNELS } from './delay.ts'
import { restoreStream, type AleaState } from './rng.ts'
import { markNeuronsChanged } from './entities.ts'
import { validateProtocol } from './protocols.ts'
import { MAX_DELAY_STEPS } from '../../components/synapse.ts'
import {
  bitecsEntities, createHasher, digestWords, entityComponentsOf, hashU32, liveSynapses, reviveNumbers, stableJson,
} from './hash.ts'

export const MAGIC = 'NPLS'
export const FORMAT_VERSION = 1
/** Default size limit of `load` (2 GiB). */
export const DEFAULT_MAX_BYTES = 2 ** 31
const PREFIX = 24

export class SnapshotError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SnapshotError'
  }
}

/** A block of the data section. */
interface BlockRef {
  offset: number
  bytes: number
}
interface FieldRecord extends BlockRef {
  store: string
  field: string
  type: FieldType
  capacity: number
  length: number
}
interface Header {
  sceneName: string
  seed: string
  clock: {
    dt_ms: number; slowTick_ms: number; slowTickSteps: number; timeWarp: number
    step: number; slow_ms: number; slowTicks: number; slowTickDt_ms: number
  }
  params: Params
  state: Sim['state']
  rng: { name: string; state: AleaState }[]
  entityIndex: { maxId: number; aliveCount: number; dense: BlockRef }
  /** bitecs entities grouped by component set (names in world.ts order), eids ascending. */
  entities: { components: string[]; eids: number[] }[]
  synapseCount: number
  stores: FieldRecord[]
  delay: { length: number; width: number; cols: number; channels: (BlockRef | null)[] }
  dataBytes: number
}

const align8 = (n: number) => (n + 7) & ~7
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

// ---------------------------------------------------------------------------------------------
// save
// ---------------------------------------------------------------------------------------------

/** The world as bytes (call between steps). */
export function save(sim: Sim): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('snapshots need a little-endian platform')
  const index = entityIndexOf(sim)
  const sets = entityComponentsOf(sim)
  const entities = bitecsEntities(sim)
  const synapses = liveSynapses(sim)
  const byComponent = new Map<unknown, ComponentName>(BITECS_COMPONENTS.map((n) => [sim.components[n], n]))
  const groups = new Map<string, { components: string[]; eids: number[] }>()
  const top: Partial<Record<ComponentName, number>> = {}
  for (const e of entities) {
    const names: ComponentName[] = []
    for (const c of sets.get(e)!) {
      const name = byComponent.get(c)
      if (!name) throw new Error(`save: entity ${e} carries a component that is not a world store`)
      names.push(name)
      top[name] = e // ascending, so the last one is the highest
    }
    names.sort((x, y) => BITECS_COMPONENTS.indexOf(x) - BITECS_COMPONENTS.indexOf(y))
    const key = names.join(',')
    let g = groups.get(key)
    if (!g) groups.set(key, (g = { components: names, eids: [] }))
    g.eids.push(e)
  }
  if (synapses.length) for (const name of SYNAPSE_COMPONENTS) top[name] = synapses[synapses.length - 1]!

  let dataBytes = 0
  const block = (bytes: number): BlockRef => {
    const ref = { offset: dataBytes, bytes }
    dataBytes = align8(dataBytes + bytes)
    return ref
  }
  const denseRef = block(index.dense.length * 4)
  const stores: FieldRecord[] = []
  const arrays: AnyTypedArray[] = []
  for (const name of Object.keys(sim.stores) as ComponentName[]) {
    const entry = sim.stores[name] as StoreEntry
    const length = top[name] === undefined ? 0 : Math.min(entry.capacity, top[name]! + 1)
    for (const field of Object.keys(entry.spec)) {
      const type = entry.spec[field]!
      stores.push({ store: name, field, type, capacity: entry.capacity, length, ...block(length * BYTES_PER[type]) })
      arrays.push((entry.data as Record<string, AnyTypedArray>)[field]!)
    }
  }
  const ring = sim.indices.delay
  const cols = top.Neuron === undefined ? 0 : Math.min(ring.width, top.Neuron + 1)
  const channels = ring.channels.map((ch) => (ch ? block(ring.length * cols * 4) : null))

  const t = sim.time
  const header: Header = {
    sceneName: sim.sceneName,
    seed: sim.seed,
    clock: {
      dt_ms: t.dt_ms, slowTick_ms: t.slowTick_ms, slowTickSteps: t.slowTickSteps, timeWarp: t.timeWarp,
      step: t.step, slow_ms: t.slow_ms, slowTicks: t.slowTicks, slowTickDt_ms: t.slowTickDt_ms,
    },
    params: sim.params,
    state: sim.state,
    rng: [...sim.rng.streams.keys()].sort().map((name) => ({ name, state: sim.rng.streams.get(name)!.state() })),
    entityIndex: { maxId: index.maxId, aliveCount: index.aliveCount, dense: denseRef },
    entities: [...groups.values()],
    synapseCount: sim.synapseCount,
    stores,
    delay: { length: ring.length, width: ring.width, cols, channels },
    dataBytes,
  }
  const headerBytes = utf8Encode(stableJson(header))
  const D = align8(PREFIX + headerBytes.length)
  const total = D + dataBytes + 8
  const out = new Uint8Array(total)
  for (let i = 0; i < 4; i++) out[i] = MAGIC.charCodeAt(i)
  const u32 = new Uint32Array(out.buffer, 0, total / 4)
  u32[1] = FORMAT_VERSION
  u32[2] = headerBytes.length
  u32[4] = total % 2 ** 32
  u32[5] = Math.floor(total / 2 ** 32)
  out.set(headerBytes, PREFIX)
  out.set(new Uint8Array(Uint32Array.from(index.dense).buffer), D + denseRef.offset)
  stores.forEach((f, i) => {
    const a = arrays[i]!
    out.set(new Uint8Array(a.buffer, a.byteOffset, f.bytes), D + f.offset)
  })
  ring.channels.forEach((ch, c) => {
    if (!ch) return
    const dst = new Float32Array(out.buffer, D + channels[c]!.offset, ring.length * cols)
    for (let k = 0; k < ring.length; k++) {
      const from = ((t.step + k) % ring.length) * ring.width
      dst.set(ch.subarray(from, from + cols), k * cols)
    }
  })
  const [a, b] = checksum(u32.subarray(0, total / 4 - 2))
  u32[total / 4 - 2] = a
  u32[total / 4 - 1] = b
  return out
}

/** The checksum stored in a snapshot's last 8 bytes, over all words before it. */
export function checksum(words: Uint32Array): [number, number] {
  const h = createHasher(0x4e504c53)
  hashU32(h, words)
  return digestWords(h)
}

// ---------------------------------------------------------------------------------------------
// load
// ---------------------------------------------------------------------------------------------

export interface LoadOptions {
  /** Refuse snapshots larger than this many bytes (default 2 GiB). */
  maxBytes?: number
}

/** A new world from snapshot bytes; throws `SnapshotError` (and builds nothing) on bad input. */
export function load(input: Uint8Array, options: LoadOptions = {}): Sim {
  if (!LITTLE_ENDIAN) throw new Error('snapshots need a little-endian platform')
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  if (input.length > maxBytes) throw new SnapshotError(`snapshot is too large: ${input.length} bytes exceeds the limit of ${maxBytes}`)
  if (input.length < 4 || String.fromCharCode(input[0]!, input[1]!, input[2]!, input[3]!) !== MAGIC)
    throw new SnapshotError('not a Neuroplast snapshot (bad magic)')
  if (input.length < PREFIX) throw new SnapshotError(`snapshot is truncated: expected at least ${PREFIX} bytes, got ${input.length}`)
  // Work on an aligned copy if the caller's view is not 4-byte aligned.
  const bytes = input.byteOffset % 8 === 0 ? input : input.slice()
  const prefix = new Uint32Array(bytes.buffer, bytes.byteOffset, PREFIX / 4)
  const version = prefix[1]!
  if (version !== FORMAT_VERSION)
    throw new SnapshotError(`snapshot format version ${version} is not supported (this build reads ${FORMAT_VERSION})`)
  const headerLen = prefix[2]!
  const total = prefix[4]! + prefix[5]! * 2 ** 32
  if (total > maxBytes) throw new SnapshotError(`snapshot is too large: ${total} bytes exceeds the limit of ${maxBytes}`)
  if (bytes.length < total) throw new SnapshotError(`snapshot is truncated: expected ${total} bytes, got ${bytes.length}`)
  if (bytes.length > total) throw new SnapshotError(`snapshot has trailing data: expected ${total} bytes, got ${bytes.length}`)
  if (total % 8 !== 0 || PREFIX + headerLen + 8 > total)
    throw new SnapshotError(`snapshot is corrupted: header length ${headerLen} does not fit in ${total} bytes`)
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, total / 4)
  const [a, b] = checksum(words.subarray(0, total / 4 - 2))
  if (a !== words[total / 4 - 2] || b !== words[total / 4 - 1]) throw new SnapshotError('snapshot checksum mismatch (corrupted)')

  let header: Header
  try {
    header = JSON.parse(utf8Decode(bytes.subarray(PREFIX, PREFIX + headerLen)), reviveNumbers) as Header
  } catch (e) {
    throw new SnapshotError(`snapshot header is not valid JSON: ${(e as Error).message}`)
  }
  const D = align8(PREFIX + headerLen)
  const data = bytes.subarray(D, total - 8)
  checkHeader(header, data.length, total)
  return build(header, data)
}

/** Every size and offset of the header checked against the data before anything is allocated. */
function checkHeader(h: Header, dataLength: number, fileLength: number): void {
  const fail = (what: string) => {
    throw new SnapshotError(`snapshot header: ${what}`)
  }
  const isObj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v)
  const isInt = (v: unknown, max = 2 ** 32) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max
  if (!isObj(h)) fail('not an object')
  if (typeof h.sceneName !== 'string' || typeof h.seed !== 'string') fail('sceneName and seed must be strings')
  if (!isObj(h.clock)) fail('clock missing')
  for (const k of ['dt_ms', 'slowTick_ms', 'timeWarp', 'step', 'slow_ms', 'slowTicks', 'slowTickDt_ms'] as const)
    if (typeof h.clock[k] !== 'number') fail(`clock.${k} must be a number`)
  if (!isObj(h.params)) fail('params missing')
  const s = h.state
  if (!isObj(s) || !Array.isArray(s.protocols) || !Array.isArray(s.channels) || !Array.isArray(s.pulses) || typeof s.nextProtocolId !== 'number')
    fail('state must have protocols, channels, pulses and nextProtocolId')
  const aleaOk = (a: AleaState) => isObj(a) && [a.c, a.s0, a.s1, a.s2].every((x) => typeof x === 'number' && Number.isFinite(x))
  if (!Array.isArray(h.rng) || h.rng.some((r) => !isObj(r) || typeof r.name !== 'string' || !aleaOk(r.state)))
    fail('rng must be a list of {name, state: {c, s0, s1, s2}}')
  if (h.dataBytes !== dataLength) fail(`dataBytes ${h.dataBytes} does not match the data section (${dataLength} bytes)`)
  const inData = (ref: BlockRef | null | undefined, what: string, bytes: number) => {
    if (!isObj(ref) || !isInt(ref!.offset) || !isInt(ref!.bytes) || ref!.offset % 8 !== 0) fail(`${what}: bad block reference`)
    if (ref!.bytes !== bytes) fail(`${what}: ${ref!.bytes} bytes, expected ${bytes}`)
    if (ref!.offset + ref!.bytes > dataLength) fail(`${what}: block ${ref!.offset}+${ref!.bytes} runs past the data (${dataLength} bytes)`)
  }
  const ix = h.entityIndex
  if (!isObj(ix) || !isInt(ix.maxId) || !isInt(ix.aliveCount, ix.maxId)) fail('entityIndex: maxId/aliveCount invalid')
  inData(ix.dense, 'entityIndex.dense', ix.maxId * 4)
  // Capacities follow ids (stores grow by doubling past the highest eid); anything far bigger is bogus.
  const maxCapacity = Math.max(1024, 4 * (ix.maxId + 1))
  if (!Array.isArray(h.entities)) fail('entities must be a list')
  for (const g of h.entities) {
    if (!isObj(g) || !Array.isArray(g.components) || !Array.isArray(g.eids)) fail('entities: bad group')
    for (const c of g.components) if (!BITECS_COMPONENTS.includes(c as ComponentName)) fail(`entities: unknown component "${c}"`)
    for (const e of g.eids) if (!isInt(e, ix.maxId) || e === 0) fail(`entities: bad eid ${e}`)
  }
  if (!isInt(h.synapseCount, ix.maxId)) fail('synapseCount invalid')
  const expected = new Map<string, FieldType>()
  for (const [name, entry] of Object.entries(makeComponents(1)))
    for (const [field, type] of Object.entries((entry as StoreEntry).spec)) expected.set(`${name}.${field}`, type)
  if (!Array.isArray(h.stores)) fail('stores must be a list')
  const seen = new Map<string, number>()
  for (const f of h.stores) {
    if (!isObj(f)) fail('stores: bad record')
    const key = `${f.store}.${f.field}`
    const type = expected.get(key)
    if (!type) fail(`stores: field ${key} is unknown to this build`)
    if (f.type !== type) fail(`stores: field ${key} has type ${f.type}, this build uses ${type}`)
    if (seen.has(key)) fail(`stores: field ${key} appears twice`)
    if (!isInt(f.capacity, maxCapacity)) fail(`stores: ${key} capacity ${f.capacity} is out of range`)
    if (!isInt(f.length, f.capacity)) fail(`stores: ${key} length ${f.length} exceeds its capacity ${f.capacity}`)
    if (seen.size && [...seen.entries()].some(([k, cap]) => k.split('.')[0] === f.store && cap !== f.capacity))
      fail(`stores: fields of ${f.store} disagree on capacity`)
    seen.set(key, f.capacity)
    inData(f, `stores: ${key}`, f.length * BYTES_PER[type!])
  }
  for (const key of expected.keys()) if (!seen.has(key)) fail(`stores: field ${key} is missing`)
  const d = h.delay
  if (!isObj(d) || !isInt(d.length, 2 * (MAX_DELAY_STEPS + 1)) || d.length < 2) fail('delay.length invalid')
  if (!isInt(d.width, maxCapacity) || !isInt(d.cols, d.width)) fail('delay.width/cols invalid')
  if (!Array.isArray(d.channels) || d.channels.length !== CHANNELS) fail(`delay.channels must list ${CHANNELS} channels`)
  d.channels.forEach((c, i) => c !== null && inData(c, `delay.channels[${i}]`, d.length * d.cols * 4))
  // What the new world will hold, against the input's size (legitimate worlds stay within ≈ 3×).
  let alloc = d.length * d.width * 4 * d.channels.filter((c) => c !== null).length
  for (const f of h.stores) alloc += f.capacity * BYTES_PER[f.type]
  const allowed = Math.max(2 ** 30, 16 * fileLength)
  if (alloc > allowed) fail(`restoring would allocate ${alloc} bytes, more than the ${allowed} allowed for a ${fileLength}-byte snapshot`)
}

function build(h: Header, data: Uint8Array): Sim {
  const fail = (what: string): never => {
    throw new SnapshotError(`snapshot is inconsistent: ${what}`)
  }
  const c = h.clock
  const sim = createEmptySim(h.sceneName, h.seed, { dt_ms: c.dt_ms, slowTick_ms: c.slowTick_ms, timeWarp: c.timeWarp }, h.params)
  const t = sim.time
  if (t.slowTickSteps !== c.slowTickSteps || t.slowTick_ms !== c.slowTick_ms) fail('clock does not rebuild identically')
  t.step = c.step
  t.slow_ms = c.slow_ms
  t.slowTicks = c.slowTicks
  t.slowTickDt_ms = c.slowTickDt_ms

  // Entity index, exactly (future ids are recycled in this order).
  const ix = h.entityIndex
  const denseU32 = new Uint32Array(ix.maxId)
  new Uint8Array(denseU32.buffer).set(data.subarray(ix.dense.offset, ix.dense.offset + ix.dense.bytes))
  const pos = new Int32Array(ix.maxId + 1).fill(-1)
  for (let i = 0; i < ix.maxId; i++) {
    const id = denseU32[i]!
    if (id < 1 || id > ix.maxId || pos[id] !== -1) fail('entity index is not a permutation of 1..maxId')
    pos[id] = i
  }
  const index = entityIndexOf(sim)
  const dense: number[] = []
  for (let i = 0; i < ix.maxId; i++) dense.push(denseU32[i]!)
  const sparse: number[] = [] // filled upwards from id 1 (id 0 stays a hole), as bitecs does
  for (let id = 1; id <= ix.maxId; id++) sparse[id] = pos[id]!
  index.dense = dense
  index.sparse = sparse
  index.aliveCount = ix.aliveCount
  index.maxId = ix.maxId
  const live = (e: number) => pos[e]! >= 0 && pos[e]! < ix.aliveCount

  // Store data (before the entities, so every array already has its final size).
  for (const f of h.stores) {
    const entry = sim.stores[f.store as ComponentName] as StoreEntry
    if (entry.capacity !== f.capacity) resize(entry, f.capacity)
    const a = (entry.data as Record<string, AnyTypedArray>)[f.field]!
    new Uint8Array(a.buffer, a.byteOffset, f.bytes).set(data.subarray(f.offset, f.offset + f.bytes))
  }

  // bitecs entities: adopt each id (see the file header), then add its components in order.
  const ctx = (sim.world as unknown as Record<symbol, { entityComponents: Map<number, Set<unknown>> }>)[$internal]!
  const all: [number, string[]][] = []
  for (const g of h.entities) for (const e of g.eids) all.push([e, g.components])
  all.sort((x, y) => x[0] - y[0])
  const isNeuron = new Uint8Array(ix.maxId + 1)
  const isEntity = new Uint8Array(ix.maxId + 1)
  for (let i = 0; i < all.length; i++) {
    const [e, names] = all[i]!
    if (!live(e)) fail(`entity ${e} is not alive in the entity index`)
    if (i > 0 && all[i - 1]![0] === e) fail(`entity ${e} is listed twice`)
    ctx.entityComponents.set(e, new Set())
    isEntity[e] = 1
    for (const name of names) addComponent(sim.world, e, sim.components[name as ComponentName])
    if (names.includes('Neuron')) {
      if (!names.includes('Position') || !names.includes('Receptors')) fail(`neuron ${e} lacks Position or Receptors`)
      isNeuron[e] = 1
    }
  }

  // Synapses: every alive one joins live neurons, fits the ring and names a known receptor/profile.
  const { alive, pre, post, receptor, delaySteps } = sim.components.Synapse
  const stp = sim.components.ShortTerm.profile
  const d = h.delay
  const hasChannel = d.channels.map((ch) => ch !== null)
  const nProfiles = sim.params.stpProfiles.length
  const L = d.length
  const aliveCount = ix.aliveCount
  let synapses = 0
  for (let e = 1; e < alive.length && e <= ix.maxId; e++) {
    const a = alive[e]!
    if (a === 0) continue
    const p = pos[e]!
    if (a !== 1 || p < 0 || p >= aliveCount || isEntity[e] === 1) fail(`synapse ${e} is not a live, component-free entity`)
    if (isNeuron[pre[e]!] !== 1 || isNeuron[post[e]!] !== 1) fail(`synapse ${e} does not join live neurons`)
    if (hasChannel[receptor[e]!] !== true) fail(`synapse ${e} has receptor ${receptor[e]} without a delay channel`)
    if (delaySteps[e]! < 1 || delaySteps[e]! >= L) fail(`synapse ${e} has delay ${delaySteps[e]} outside the ring`)
    if (stp[e]! >= nProfiles) fail(`synapse ${e} has unknown STP profile ${stp[e]}`)
    synapses++
  }
  if (synapses !== h.synapseCount) fail(`${synapses} live synapses, header says ${h.synapseCount}`)
  if (all.length + synapses !== ix.aliveCount) fail(`${ix.aliveCount} live ids but ${all.length} entities and ${synapses} synapses`)
  const topNeuron = isNeuron.lastIndexOf(1)
  if (topNeuron >= d.width) fail(`delay ring width ${d.width} does not cover neuron ${topNeuron}`)
  sim.synapseCount = synapses
  checkState(sim, h.state, isNeuron, fail)

  // Delay ring, from canonical slot order back to this step's phase.
  const ring = sim.indices.delay
  ring.length = d.length
  ring.width = d.width
  ring.channels = d.channels.map((ref) => {
    if (!ref) return null
    const src = new Float32Array(d.length * d.cols)
    new Uint8Array(src.buffer).set(data.subarray(ref.offset, ref.offset + ref.bytes))
    const ch = new Float32Array(d.length * d.width)
    for (let k = 0; k < d.length; k++) ch.set(src.subarray(k * d.cols, (k + 1) * d.cols), ((c.step + k) % d.length) * d.width)
    return ch
  })

  sim.state = h.state
  for (const r of h.rng) restoreStream(sim.rng, r.name, r.state)
  sim.indices.synapses.dirty = true
  markNeuronsChanged(sim)
  return sim
}

/** Protocols, pulses and channels must name live electrodes / neurons (stimulation indexes by them). */
function checkState(sim: Sim, s: Sim['state'], isNeuron: Uint8Array, fail: (what: string) => never): void {
  const isElectrode = (e: unknown) =>
    typeof e === 'number' && entityComponentsOf(sim).get(e)?.has(sim.components.Electrode) === true
  for (const p of s.protocols) {
    if (!isElectrode(p.electrode)) fail(`protocol ${p.id} drives ${p.electrode}, which is not an electrode`)
    try {
      validateProtocol(p.spec)
    } catch (e) {
      fail(`protocol ${p.id}: ${(e as Error).message}`)
    }
    if (p.spec.kind === 'pairing' && !isElectrode(p.spec.postElectrode)) fail(`protocol ${p.id}: post electrode is not an electrode`)
  }
  for (const p of s.pulses) if (!isElectrode(p.electrode)) fail(`current pulse on ${p.electrode}, which is not an electrode`)
  for (const c of s.channels)
    if (!Array.isArray(c.neurons) || !Array.isArray(c.next_ms) || c.neurons.some((n) => !isNeuron[n]))
      fail(`sensory channel "${c.name}" lists a neuron that is not alive`)
}

// ---------------------------------------------------------------------------------------------
// UTF-8 (TextEncoder/TextDecoder are not in the ES2022 lib of simulation code)
// ---------------------------------------------------------------------------------------------
