/**
 * Growable structure-of-arrays stores.
 *
 * A store is a plain object whose fields are typed arrays indexed by entity id (eid). Its shape is
 * declared once (a `StoreSpec`: field name → element type); every world makes its own instance, so
 * two worlds never share state. When an eid beyond the capacity is about to be written, `ensure`
 * grows every field by doubling and replaces the arrays *on the same object* — the object keeps its
 * identity (bitecs uses it as the component key) but any typed-array reference taken earlier is
 * stale. Systems therefore read `store.field` afresh at the start of each step.
 *
 * Element types are chosen per field: f64 where the integration needs it (membrane state, times),
 * f32 for per-synapse quantities (memory), small integers for labels and flags.
 */

export type FieldType = 'f64' | 'f32' | 'i32' | 'u32' | 'u16' | 'u8'
export type StoreSpec = Readonly<Record<string, FieldType>>

export type ArrayFor<T extends FieldType> = T extends 'f64'
  ? Float64Array
  : T extends 'f32'
    ? Float32Array
    : T extends 'i32'
      ? Int32Array
      : T extends 'u32'
        ? Uint32Array
        : T extends 'u16'
          ? Uint16Array
          : Uint8Array

export type Store<S extends StoreSpec> = { [K in keyof S]: ArrayFor<S[K]> }
export type AnyTypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array

/** A store together with its declaration, as the world keeps it (for growth, hashing and snapshots). */
export interface StoreEntry<S extends StoreSpec = StoreSpec> {
  readonly name: string
  readonly spec: S
  readonly data: Store<S>
  capacity: number
  /**
   * For the optional synapse stores (mechanism state): the Synapse store. Such a store stays at its
   * initial size until a mechanism first writes to it (`ensure`), then covers every synapse id as
   * the Synapse store does (src/engine/entities.ts, addSynapse). Unused mechanisms cost no memory.
   */
  growWith?: StoreEntry
}

const CTOR: Record<FieldType, new (n: number) => AnyTypedArray> = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
  u16: Uint16Array,
  u8: Uint8Array,
}

export const BYTES_PER: Record<FieldType, number> = { f64: 8, f32: 4, i32: 4, u32: 4, u16: 2, u8: 1 }

export function makeArray(type: FieldType, n: number): AnyTypedArray {
  return new CTOR[type](n)
}

export function createStore<S extends StoreSpec>(name: string, spec: S, capacity = 16): StoreEntry<S> {
  const data = {} as Record<string, AnyTypedArray>
  for (const field of Object.keys(spec)) data[field] = makeArray(spec[field]!, capacity)
  return { name, spec, data: data as Store<S>, capacity }
}

/**
 * Make sure `eid` is a valid index of every field, growing by doubling. A store that grows with
 * another (`growWith`) grows at once to at least that one's capacity: it then covers every id.
 */
export function ensure(entry: StoreEntry, eid: number): void {
  if (eid < entry.capacity) return
  let cap = Math.max(entry.capacity, 1)
  while (cap <= eid) cap *= 2
  if (entry.growWith && entry.growWith.capacity > cap) cap = entry.growWith.capacity
  resize(entry, cap)
}

/** Whether an optional synapse store covers every synapse id (a mechanism uses it); true for other stores. */
export function isActive(entry: StoreEntry): boolean {
  return entry.growWith === undefined || entry.capacity >= entry.growWith.capacity
}

export function resize(entry: StoreEntry, capacity: number): void {
  const data = entry.data as Record<string, AnyTypedArray>
  for (const field of Object.keys(entry.spec)) {
    const old = data[field]!
    const next = makeArray(entry.spec[field]!, capacity)
    next.set(old.length <= capacity ? old : old.subarray(0, capacity))
    data[field] = next
  }
  entry.capacity = capacity
}

/** Set every field of one entity to zero (bitecs recycles ids without clearing data). */
export function clearEntity(entry: StoreEntry, eid: number): void {
  const data = entry.data as Record<string, AnyTypedArray>
  for (const field in data) data[field]![eid] = 0
}

/** Bytes held by the typed arrays of a store (its capacity, not just the live part). */
export function storeBytes(entry: StoreEntry): number {
  let bytes = 0
  for (const field of Object.keys(entry.spec)) bytes += (entry.data as Record<string, AnyTypedArray>)[field]!.byteLength
  return bytes
}
