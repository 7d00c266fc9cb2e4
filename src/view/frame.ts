/**
 * What happened since the last rendered frame, read from the world's events ring through the
 * view's own cursor (the world is never written). Layers get one `FrameEvents` per frame.
 */
import { readSince, EV_SPIKE, EV_PULSE, EV_SYNAPSE_BORN, EV_SYNAPSE_REMOVED, EV_NEURON_BORN, EV_NEURON_REMOVED } from '../engine/events.ts'
import type { Sim } from '../engine/world.ts'

export interface FrameEvents {
  sim: Sim
  /** Fast steps the world advanced since the previous frame (0 while paused). */
  steps: number
  /** Neurons that fired since the previous frame (each once, in order of first spike). */
  spiked: number[]
  /** Electrodes that delivered a protocol pulse since the previous frame. */
  pulsed: number[]
  /** A neuron was born or removed (the neuron set must be re-read). */
  neuronsChanged: boolean
  /** A synapse was born or removed (the synapse geometry must be rebuilt). */
  synapsesChanged: boolean
  /** Records were lost because the view fell more than the ring's capacity behind. */
  overrun: boolean
}

export interface FrameReader {
  read(sim: Sim): FrameEvents
}

export function createFrameReader(sim: Sim): FrameReader {
  let cursor = sim.events.total
  let lastStep = sim.time.step
  let lastNeuronVersion = sim.indices.neurons.version
  let lastSynapseCount = sim.synapseCount
  let seen = new Uint8Array(1024)
  return {
    read(s: Sim): FrameEvents {
      const ev = s.events
      const overrun = ev.total - cursor > ev.capacity
      const spiked: number[] = []
      const pulsed: number[] = []
      let neuronsChanged = s.indices.neurons.version !== lastNeuronVersion
      let synapsesChanged = s.synapseCount !== lastSynapseCount
      cursor = readSince(ev, cursor, (i) => {
        const kind = ev.kind[i]!
        if (kind === EV_SPIKE) {
          const n = ev.a[i]!
          if (n >= seen.length) {
            const next = new Uint8Array(Math.max(n + 1, seen.length * 2))
            next.set(seen)
            seen = next
          }
          if (seen[n] === 0) {
            seen[n] = 1
            spiked.push(n)
          }
        } else if (kind === EV_PULSE) {
          if (!pulsed.includes(ev.a[i]!)) pulsed.push(ev.a[i]!)
        } else if (kind === EV_SYNAPSE_BORN || kind === EV_SYNAPSE_REMOVED) synapsesChanged = true
        else if (kind === EV_NEURON_BORN || kind === EV_NEURON_REMOVED) neuronsChanged = true
      })
      for (const n of spiked) seen[n] = 0
      const steps = s.time.step - lastStep
      lastStep = s.time.step
      lastNeuronVersion = s.indices.neurons.version
      lastSynapseCount = s.synapseCount
      // After an overrun the lost records may have held births/removals: re-read everything.
      if (overrun) {
        neuronsChanged = true
        synapsesChanged = true
      }
      return { sim: s, steps, spiked, pulsed, neuronsChanged, synapsesChanged, overrun }
    },
  }
}
