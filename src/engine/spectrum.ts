/**
 * Population spike-count spectrum (DOM-free; used by validation tests of network rhythms, e.g. the
 * alpha and gamma rhythms of the Izhikevich 2003 network).
 *
 * Spike counts of a population in bins of `bin_ms` (a whole number of steps) are recorded by a step
 * observer. The spectrum is Welch's estimate: the mean-removed counts are cut into segments of
 * `segmentBins` with 50 % overlap, each multiplied by a Hann window w, transformed by a plain DFT
 * (segments are short, so O(n²) per segment is cheap and exact), and the periodograms averaged:
 *   P(f_k) = s_k |Σ_i x_i w_i e^(−2πi·ik/N)|² / (f_s Σ w_i²),   s_k = 2 except at 0 and Nyquist
 * so P is a one-sided power spectral density in counts²/Hz, f_k = k f_s / N, f_s = 1000 / bin_ms.
 *
 * | parameter   | unit | meaning                                  |
 * |-------------|------|------------------------------------------|
 * | bin_ms      | ms   | count bin (1 ms for the 2003 network)    |
 * | segmentBins | bins | Welch segment (1000 bins of 1 ms: 1 Hz)  |
 * | width_Hz    | Hz   | box width of `smoothSpectrum`            |
 *
 * References: Welch PD (1967) IEEE Trans Audio Electroacoust 15:70. doi:10.1109/TAU.1967.1161901
 *   Izhikevich EM (2003) IEEE TNN 14:1569. doi:10.1109/TNN.2003.820440 (Fig. 3: network rhythms)
 */
import type { Sim } from './world.ts'

/**
 * A step observer that counts the spikes of the neurons in `population` (all if undefined) in bins
 * of `bin_ms` (a whole number of steps), from the step it first sees. `counts()` returns the
 * completed bins.
 */
export function spikeCounter(sim: Sim, bin_ms: number, population?: number) {
  const binSteps = Math.round(bin_ms / sim.time.dt_ms)
  if (!(binSteps >= 1) || Math.abs(binSteps * sim.time.dt_ms - bin_ms) > 1e-9 * bin_ms)
    throw new Error(`spikeCounter: bin_ms ${bin_ms} is not a whole number of steps of ${sim.time.dt_ms} ms`)
  const first = sim.time.step
  const counts: number[] = []
  let current = 0
  const observer = (s: Sim): void => {
    const pop = s.components.Neuron.population
    const ids = s.spikes.ids
    for (let i = 0; i < s.spikes.count; i++) if (population === undefined || pop[ids[i]!] === population) current++
    if ((s.time.step - first + 1) % binSteps === 0) {
      counts.push(current)
      current = 0
    }
  }
  return { observer, counts: () => Float64Array.from(counts), binSteps }
}

export interface Spectrum {
  freq_Hz: Float64Array
  /** One-sided power spectral density of the mean-removed counts (counts²/Hz). */
  power: Float64Array
  /** Number of Welch segments averaged. */
  segments: number
}

/** Welch spectrum: Hann-windowed segments of `segmentBins` with 50 % overlap, averaged. */
export function welchSpectrum(counts: ArrayLike<number>, bin_ms: number, segmentBins: number): Spectrum {
  const n = counts.length
  if (!Number.isInteger(segmentBins) || segmentBins < 8 || segmentBins > n)
    throw new Error(`welchSpectrum: segmentBins ${segmentBins} must be an integer in [8, ${n}] (the number of bins)`)
  let mean = 0
  for (let i = 0; i < n; i++) mean += counts[i]!
  mean /= n
  const fs = 1000 / bin_ms
  const N = segmentBins
  const half = Math.floor(N / 2)
  const win = new Float64Array(N)
  const cos = new Float64Array(N)
  const sin = new Float64Array(N)
  let winPow = 0
  for (let i = 0; i < N; i++) {
    win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N)
    winPow += win[i]! * win[i]!
    cos[i] = Math.cos((2 * Math.PI * i) / N)
    sin[i] = Math.sin((2 * Math.PI * i) / N)
  }
  const power = new Float64Array(half + 1)
  const x = new Float64Array(N)
  let segments = 0
  for (let start = 0; start + N <= n; start += Math.max(1, Math.floor(N / 2))) {
    for (let i = 0; i < N; i++) x[i] = (counts[start + i]! - mean) * win[i]!
    for (let k = 0; k <= half; k++) {
      let re = 0
      let im = 0
      // i·k mod N walks the precomputed unit circle: no trigonometry inside the loop.
      for (let i = 0, j = 0; i < N; i++, j = (j + k) % N) {
        re += x[i]! * cos[j]!
        im -= x[i]! * sin[j]!
      }
      const s = k === 0 || (k === half && N % 2 === 0) ? 1 : 2
      power[k]! += (s * (re * re + im * im)) / (fs * winPow)
    }
    segments++
  }
  for (let k = 0; k <= half; k++) power[k]! /= segments
  const freq_Hz = new Float64Array(half + 1)
  for (let k = 0; k <= half; k++) freq_Hz[k] = (k * fs) / N
  return { freq_Hz, power, segments }
}

/** Mean of several spectra on the same frequency grid (e.g. one per seed). */
export function averageSpectra(specs: Spectrum[]): Spectrum {
  if (specs.length === 0) throw new Error('averageSpectra: no spectra')
  const n = specs[0]!.power.length
  if (specs.some((s) => s.power.length !== n)) throw new Error('averageSpectra: spectra differ in length')
  const power = new Float64Array(n)
  for (const s of specs) for (let k = 0; k < n; k++) power[k]! += s.power[k]! / specs.length
  return { freq_Hz: specs[0]!.freq_Hz, power, segments: specs.reduce((a, s) => a + s.segments, 0) }
}

/** Moving average over a centred box of `width_Hz` (shorter at the ends). */
export function smoothSpectrum(spec: Spectrum, width_Hz: number): Spectrum {
  const f = spec.freq_Hz
  const df = f.length > 1 ? f[1]! - f[0]! : 1
  const half = Math.max(0, Math.floor(width_Hz / df / 2))
  const power = new Float64Array(f.length)
  for (let k = 0; k < f.length; k++) {
    let sum = 0
    let n = 0
    for (let j = Math.max(0, k - half); j <= Math.min(f.length - 1, k + half); j++) {
      sum += spec.power[j]!
      n++
    }
    power[k] = sum / n
  }
  return { freq_Hz: f, power, segments: spec.segments }
}

/** Mean power over [lo, hi] Hz. */
export function bandMean(spec: Spectrum, lo_Hz: number, hi_Hz: number): number {
  let sum = 0
  let n = 0
  for (let k = 0; k < spec.freq_Hz.length; k++) {
    const f = spec.freq_Hz[k]!
    if (f >= lo_Hz && f <= hi_Hz) {
      sum += spec.power[k]!
      n++
    }
  }
  if (n === 0) throw new Error(`bandMean: no spectral points in ${lo_Hz}–${hi_Hz} Hz`)
  return sum / n
}

/** Highest point in [lo, hi] Hz. */
export function bandMax(spec: Spectrum, lo_Hz: number, hi_Hz: number): { freq_Hz: number; power: number } {
  let best = -1
  for (let k = 0; k < spec.freq_Hz.length; k++) {
    const f = spec.freq_Hz[k]!
    if (f >= lo_Hz && f <= hi_Hz && (best < 0 || spec.power[k]! > spec.power[best]!)) best = k
  }
  if (best < 0) throw new Error(`bandMax: no spectral points in ${lo_Hz}–${hi_Hz} Hz`)
  return { freq_Hz: spec.freq_Hz[best]!, power: spec.power[best]! }
}
