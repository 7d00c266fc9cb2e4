/**
 * Synapse adjacency index: for every neuron, the row of its outgoing synapses (by presynaptic
 * neuron) and the row of its incoming synapses (by postsynaptic neuron), in CSR form:
 *
 *   out-row of n = preSyn[preStart[n] .. preStart[n+1])     (synapse eids, ascending)
 *   in-row of n  = postSyn[postStart[n] .. postStart[n+1])
 *
 * Hot loops (spike delivery, plasticity) run over these rows, never over `query()`. Every synapse
 * birth or removal marks the index dirty; the next reader (`adjacency(sim)`) rebuilds it by a
 * counting sort over the synapse store — O(synapses), ≈ 10 ms per 10⁶ — so a burst of births on a
 * slow tick costs one rebuild. Rows are in ascending eid order, a pure function of the stores, so a
 * world loaded from a snapshot iterates exactly as the original.
 */
import type { Sim } from './world.ts'

export interface Adjacency {
  dirty: boolean
  /** Rows cover neuron ids 0 .. rows-1. */
  rows: number
  preStart: Uint32Array
  preSyn: Uint32Array
  postStart: Uint32Array
  postSyn: Uint32Array
  /** Rebuilds so far (for tests and benchmarks). */
  rebuilds: number
}

export function createAdjacency(): Adjacency {
  return {
    dirty: true,
    rows: 0,
    preStart: new Uint32Array(1),
    preSyn: new Uint32Array(0),
    postStart: new Uint32Array(1),
    postSyn: new Uint32Array(0),
    rebuilds: 0,
  }
}

/** The adjacency index, rebuilt first if a synapse was born or removed since the last read. */
export function adjacency(sim: Sim): Adjacency {
  const adj = sim.indices.synapses
  const rows = sim.stores.Neuron.capacity
  if (adj.dirty || adj.rows !== rows) rebuild(sim, adj, rows)
  return adj
}

function rebuild(sim: Sim, adj: Adjacency, rows: number): void {
  const { alive, pre, post } = sim.components.Synapse
  const maxEid = Math.min(alive.length - 1, maxEntityId(sim))
  const preStart = new Uint32Array(rows + 1)
  const postStart = new Uint32Array(rows + 1)
  let count = 0
  for (let s = 1; s <= maxEid; s++) {
    if (alive[s] === 0) continue
    preStart[pre[s]! + 1]!++
    postStart[post[s]! + 1]!++
    count++
  }
  for (let n = 0; n < rows; n++) {
    preStart[n + 1]! += preStart[n]!
    postStart[n + 1]! += postStart[n]!
  }
  const preSyn = adj.preSyn.length === count ? adj.preSyn : new Uint32Array(count)
  const postSyn = adj.postSyn.length === count ? adj.postSyn : new Uint32Array(count)
  const preFill = preStart.slice(0, rows)
  const postFill = postStart.slice(0, rows)
  for (let s = 1; s <= maxEid; s++) {
    if (alive[s] === 0) continue
    preSyn[preFill[pre[s]!]!++] = s
    postSyn[postFill[post[s]!]!++] = s
  }
  adj.rows = rows
  adj.preStart = preStart
  adj.postStart = postStart
  adj.preSyn = preSyn
  adj.postSyn = postSyn
  adj.dirty = false
  adj.rebuilds++
}

/** Highest entity id ever handed out in this world. */
export function maxEntityId(sim: Sim): number {
  return entityIndexOf(sim).maxId
}

import { $internal } from 'bitecs'
interface EntityIndexInternals {
  aliveCount: number
  dense: number[]
  sparse: number[]
  maxId: number
}
export function entityIndexOf(sim: Sim): EntityIndexInternals {
  return (sim.world as unknown as Record<symbol, { entityIndex: EntityIndexInternals }>)[$internal]!.entityIndex
}
