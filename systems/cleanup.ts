/**
 * Cleanup (slow clock, last): brings derived indices up to date after the slow systems have added
 * and removed entities, so the next fast step starts with a fresh adjacency index and neuron list
 * rather than paying for the rebuild inside the first hot loop.
 */
import type { Sim } from '../src/engine/world.ts'
import { adjacency } from '../src/engine/adjacency.ts'
import { neuronIds } from '../src/engine/entities.ts'

export function cleanup(sim: Sim): void {
  neuronIds(sim)
  if (sim.synapseCount > 0) adjacency(sim)
}
