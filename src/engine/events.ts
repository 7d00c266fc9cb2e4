/**
 * Events ring buffer: compact records of what happened each step (spikes, synapse births and
 * removals, neuron births and deaths, protocol pulses). The view, captions, the inspector and the
 * probes read it through a cursor; systems never depend on it, and it is not part of the state hash
 * or of snapshots. When readers fall behind by more than the capacity, the oldest records are lost
 * (a reader can tell: its cursor is older than `total - capacity`).
 */

export const EV_SPIKE = 1
export const EV_SYNAPSE_BORN = 2
export const EV_SYNAPSE_REMOVED = 3
export const EV_NEURON_BORN = 4
export const EV_NEURON_REMOVED = 5
export const EV_PULSE = 6 // a protocol pulse: a = electrode eid, b = protocol id
export const EV_PROTOCOL = 7 // a protocol was started (value = 1) or ended (value = 0): a = protocol id

export interface EventRing {
  readonly capacity: number
  readonly kind: Uint8Array
  readonly step: Float64Array
  readonly a: Uint32Array
  readonly b: Uint32Array
  readonly value: Float32Array
  /** Number of records ever written; record i lives at i % capacity. */
  total: number
}

export function createEvents(capacityLog2 = 17): EventRing {
  const capacity = 1 << capacityLog2
  return {
    capacity,
    kind: new Uint8Array(capacity),
    step: new Float64Array(capacity),
    a: new Uint32Array(capacity),
    b: new Uint32Array(capacity),
    value: new Float32Array(capacity),
    total: 0,
  }
}

export function emit(ev: EventRing, kind: number, step: number, a: number, b = 0, value = 0): void {
  const i = ev.total % ev.capacity
  ev.kind[i] = kind
  ev.step[i] = step
  ev.a[i] = a
  ev.b[i] = b
  ev.value[i] = value
  ev.total++
}

export interface EventRecord {
  kind: number
  step: number
  a: number
  b: number
  value: number
}

/**
 * Visit the records written since `cursor` (oldest first) and return the new cursor.
 * Records already overwritten are skipped.
 */
export function readSince(ev: EventRing, cursor: number, visit: (i: number) => void): number {
  const from = Math.max(cursor, ev.total - ev.capacity)
  for (let n = from; n < ev.total; n++) visit(n % ev.capacity)
  return ev.total
}
