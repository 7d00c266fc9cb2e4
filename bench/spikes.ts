/**
 * Spike statistics for the correctness gate, computed the same way for both simulators from the
 * recorded spikes (neuron index, time in steps):
 *   mean rate = spikes / (n · T)
 *   ISI CV    = mean over neurons with ≥ 3 spikes of SD(ISI) / mean(ISI)   (Brunel 2000)
 * plus the synaptic events the spikes caused (each spike × its neuron's out-degree).
 */

export interface SpikeStats {
  spikes: number
  rate_Hz: number
  cv: number
  /** Neurons that entered the CV mean. */
  cvNeurons: number
  /** Σ over spikes of the spiking neuron's out-degree. */
  events: number
}

/** Growable record of (neuron, step) pairs. */
export interface SpikeLog {
  ids: Int32Array
  steps: Int32Array
  count: number
}

export function createSpikeLog(capacity = 1 << 16): SpikeLog {
  return { ids: new Int32Array(capacity), steps: new Int32Array(capacity), count: 0 }
}

export function logSpikes(log: SpikeLog, ids: Uint32Array, count: number, step: number): void {
  if (log.count + count > log.ids.length) {
    const cap = Math.max(2 * log.ids.length, log.count + count)
    const i2 = new Int32Array(cap)
    const s2 = new Int32Array(cap)
    i2.set(log.ids.subarray(0, log.count))
    s2.set(log.steps.subarray(0, log.count))
    log.ids = i2
    log.steps = s2
  }
  for (let k = 0; k < count; k++) {
    log.ids[log.count] = ids[k]!
    log.steps[log.count++] = step
  }
}

/**
 * `ids` are neuron indices 0 … n−1, `t` spike times in any unit that `toSeconds` converts;
 * spikes of one neuron must be in time order (both simulators record in step order).
 */
export function spikeStats(
  n: number,
  duration_s: number,
  ids: ArrayLike<number>,
  t: ArrayLike<number>,
  toSeconds: number,
  rowStart: Uint32Array,
): SpikeStats {
  const count = new Float64Array(n)
  const last = new Float64Array(n).fill(NaN)
  const sum = new Float64Array(n)
  const sum2 = new Float64Array(n)
  let events = 0
  for (let k = 0; k < ids.length; k++) {
    const i = ids[k]!
    if (!(i >= 0 && i < n)) throw new Error(`spike of neuron ${i}, outside 0…${n - 1}`)
    const ts = t[k]! * toSeconds
    if (!Number.isNaN(last[i]!)) {
      const isi = ts - last[i]!
      sum[i]! += isi
      sum2[i]! += isi * isi
    }
    last[i] = ts
    count[i]!++
    events += rowStart[i + 1]! - rowStart[i]!
  }
  let cvSum = 0
  let cvN = 0
  for (let i = 0; i < n; i++) {
    const m = count[i]! - 1 // ISIs
    if (m < 2) continue
    const mean = sum[i]! / m
    const variance = Math.max(0, sum2[i]! / m - mean * mean)
    if (mean > 0) {
      cvSum += Math.sqrt(variance) / mean
      cvN++
    }
  }
  return { spikes: ids.length, rate_Hz: ids.length / (n * duration_s), cv: cvN > 0 ? cvSum / cvN : NaN, cvNeurons: cvN, events }
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const h = s.length >> 1
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2
}

/** Spikes as (neuron index, step) pairs. */
export interface SpikeTrain {
  ids: ArrayLike<number>
  steps: ArrayLike<number>
}

function sortedKeys(t: SpikeTrain, n: number): Float64Array {
  const keys = new Float64Array(t.ids.length)
  for (let k = 0; k < keys.length; k++) keys[k] = t.steps[k]! * n + t.ids[k]!
  return keys.sort()
}

/**
 * Compare two recordings spike by spike (order within a step ignored). Returns the step of the
 * first spike present in one and not the other, or −1 if the two are identical.
 */
export function firstDifference(a: SpikeTrain, b: SpikeTrain, n: number): number {
  const x = sortedKeys(a, n)
  const y = sortedKeys(b, n)
  const len = Math.min(x.length, y.length)
  for (let k = 0; k < len; k++) if (x[k] !== y[k]) return Math.floor(Math.min(x[k]!, y[k]!) / n)
  if (x.length === y.length) return -1
  return Math.floor((x.length > len ? x[len]! : y[len]!) / n)
}
