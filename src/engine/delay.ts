/**
 * Delay ring: synaptic input in flight. A spike of neuron `pre` at step n on a synapse with delay d
 * adds its weight to slot (n + d) mod L of the synapse's receptor channel, at column `post`; at step
 * n + d the transmission system moves that slot into the postsynaptic conductances and clears it.
 * Arrival is therefore exactly d steps after the spike, with no rounding beyond the synapse's own
 * delay/dt rounding at birth.
 *
 * Channels (one Float32Array of L × columns each, allocated on first use): 0 glutamate (AMPA + NMDA),
 * 1 AMPA only, 2 GABA_A, 3 δ current. Columns are neuron eids; the ring grows (and re-lays its
 * slots) when neurons beyond its width are born or a longer delay appears.
 */
export const CHANNELS = 4

export interface DelayRing {
  /** Number of slots L (> longest delay in steps). */
  length: number
  /** Number of columns (neuron id capacity). */
  width: number
  channels: (Float32Array | null)[]
}

export function createDelayRing(): DelayRing {
  return { length: 2, width: 0, channels: [null, null, null, null] }
}

/** Make room for delays up to `maxDelaySteps` and columns up to `width`, keeping what is in flight. */
export function ensureRing(ring: DelayRing, step: number, maxDelaySteps: number, width: number): void {
  const needLen = maxDelaySteps + 1
  if (needLen <= ring.length && width <= ring.width) return
  let length = ring.length
  while (length < needLen) length *= 2
  const newWidth = Math.max(width, ring.width)
  for (let c = 0; c < CHANNELS; c++) {
    const old = ring.channels[c]
    if (!old) continue
    const next = new Float32Array(length * newWidth)
    for (let k = 0; k < ring.length; k++) {
      const from = ((step + k) % ring.length) * ring.width
      const to = ((step + k) % length) * newWidth
      next.set(old.subarray(from, from + ring.width), to)
    }
    ring.channels[c] = next
  }
  ring.length = length
  ring.width = newWidth
}

export function channel(ring: DelayRing, c: number): Float32Array {
  let a = ring.channels[c]
  if (!a) {
    a = new Float32Array(ring.length * ring.width)
    ring.channels[c] = a
  }
  return a
}

/** Forget everything in flight towards one neuron (it was removed, or its id is being reused). */
export function clearColumn(ring: DelayRing, eid: number): void {
  if (eid >= ring.width) return
  for (const a of ring.channels) {
    if (!a) continue
    for (let k = 0; k < ring.length; k++) a[k * ring.width + eid] = 0
  }
}
