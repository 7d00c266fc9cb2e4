/**
 * Long runs stay finite and physical: every scene (small sizes) for 5–20 s of simulated time with
 * stimulation; and the Izhikevich (2003) network at full size (800 / 200, paper scheme, dt 1 ms):
 * excitatory rate near 7 Hz and the population spectrum's slow (alpha) and fast (gamma) peaks
 * (VALIDATION item 2), over 5 seeds.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { createSim, type Sim } from '../src/engine/world.ts'
import { run } from '../src/engine/pipeline.ts'
import { addElectrode, neuronIds } from '../src/engine/entities.ts'
import { PRESETS, startProtocol } from '../src/engine/protocols.ts'
import { MODEL_IZHIKEVICH } from '../components/neuron.ts'
import { SCENES } from '../scenes/index.ts'
import { averageSpectra, bandMax, bandMean, smoothSpectrum, spikeCounter, welchSpectrum, type Spectrum } from '../src/engine/spectrum.ts'

/**
 * Bounds checked every `every` steps for every neuron:
 *   Izhikevich v ∈ [−120, 30) mV (v ≥ 30 is reset within the step; the model's own floor with
 *   strong adaptation is ≈ −95 mV), |u| ≤ 100; LIF V ∈ [E_GABA − 1, V_th) (conductance input cannot
 *   take V below the lowest reversal potential; 1 mV for Euler overshoot);
 *   conductances finite and ≥ 0, g_NMDA = s_decay − s_rise ≥ 0; I_ext, I_delta finite;
 *   averaged rate finite in [0, 500] Hz.
 */
function watch(every: number) {
  const problems: string[] = []
  let spikes = 0
  let k = 0
  const observe = (s: Sim) => {
    spikes += s.spikes.count
    if (++k % every !== 0 || problems.length > 5) return
    const N = s.components.Neuron
    const Z = s.components.Izhikevich
    const L = s.components.LIF
    const R = s.components.Receptors
    const EG = s.params.receptors.E_GABA_mV
    const bad = (n: number, what: string) => problems.push(`step ${s.time.step} neuron ${n}: ${what}`)
    for (const n of neuronIds(s)) {
      const v = N.v_mV[n]!
      if (N.model[n] === MODEL_IZHIKEVICH) {
        if (!(v >= -120 && v < 30)) bad(n, `v = ${v}`)
        if (!(Math.abs(Z.u[n]!) <= 100)) bad(n, `u = ${Z.u[n]}`)
      } else if (!(v >= EG - 1 && v < L.Vth_mV[n]!)) bad(n, `V = ${v}`)
      for (const g of [R.g_AMPA[n]!, R.g_GABA[n]!, R.nmdaRise[n]!, R.nmdaDecay[n]!]) if (!(g >= 0 && g < 1e6)) bad(n, `conductance ${g}`)
      if (!(R.nmdaDecay[n]! - R.nmdaRise[n]! >= -1e-12)) bad(n, `g_NMDA < 0`)
      if (!Number.isFinite(N.I_ext[n]!) || !Number.isFinite(R.I_delta[n]!)) bad(n, 'input current not finite')
      if (!(N.rate_Hz[n]! >= 0 && N.rate_Hz[n]! <= 500)) bad(n, `rate ${N.rate_Hz[n]}`)
    }
  }
  return { observe, problems, spikes: () => spikes }
}

function weightsOf(sim: Sim): Float32Array {
  return Float32Array.from(sim.components.Synapse.weight.subarray(0, sim.stores.Synapse.capacity))
}

interface Case {
  name: string
  scene: string
  params: Record<string, unknown>
  duration_ms: number
  stimulate: (sim: Sim) => void
  /** Plausible mean rate (Hz) over all neurons. */
  rate: [number, number]
}

const CASES: Case[] = [
  {
    name: 'hippocampal slice: TBS, HFS, Poisson on S1 and a current step into CA1',
    scene: 'hippocampalSlice',
    params: {},
    duration_ms: 10_000,
    stimulate(sim) {
      const s1 = addElectrode(sim, { x_um: 350, y_um: 255, radius_um: 250, population: 0 })
      startProtocol(sim, s1, PRESETS.TBS!)
      startProtocol(sim, s1, PRESETS.HFS!, 3000)
      startProtocol(sim, s1, { kind: 'poisson', rate_Hz: 10, duration_ms: 4000 }, 5000)
      const ca1 = addElectrode(sim, { x_um: 1225, y_um: 450, radius_um: 300, population: 2, mode: 'current' })
      startProtocol(sim, ca1, { kind: 'ramp', from: 0, to: 8, duration_ms: 1000 }, 1500)
    },
    rate: [0.5, 100],
  },
  {
    name: 'cortical sheet (LIF, 400 neurons): background drive plus theta bursts',
    scene: 'corticalSheet',
    params: { n: 400, synapsesPerNeuron: 50 },
    duration_ms: 5000,
    stimulate(sim) {
      startProtocol(sim, addElectrode(sim, { x_um: 500, y_um: 500, radius_um: 150 }), PRESETS.TBS!, 1000)
    },
    rate: [0.5, 100],
  },
  {
    name: 'cortical sheet (Izhikevich, 400 neurons): background drive plus theta bursts',
    scene: 'corticalSheet',
    params: { n: 400, synapsesPerNeuron: 50, model: 'izhikevich' },
    duration_ms: 5000,
    stimulate(sim) {
      startProtocol(sim, addElectrode(sim, { x_um: 500, y_um: 500, radius_um: 150 }), PRESETS.TBS!, 1000)
    },
    rate: [0.5, 100],
  },
  {
    name: 'Izhikevich 2003 network (200 / 50): thalamic noise plus current pulses',
    scene: 'izhikevich2003',
    params: { ne: 200, ni: 50 },
    duration_ms: 20_000,
    stimulate(sim) {
      const e = addElectrode(sim, { x_um: 500, y_um: 500, radius_um: 200, mode: 'current', amplitude: 5, pulseWidth_ms: 50 })
      startProtocol(sim, e, { kind: 'train', freq_Hz: 2, count: 20 })
    },
    rate: [0.5, 100],
  },
]

describe('long runs stay finite and within physical bounds', () => {
  test.each(CASES)('$name', (c) => {
    const sim = createSim(SCENES[c.scene]!(c.params), 7)
    c.stimulate(sim)
    const w0 = weightsOf(sim)
    const synapses = sim.synapseCount
    const w = watch(10)
    run(sim, c.duration_ms, [w.observe])
    expect(w.problems).toEqual([])
    const n = neuronIds(sim).length
    const rate = w.spikes() / n / (c.duration_ms / 1000)
    expect(rate).toBeGreaterThan(c.rate[0])
    expect(rate).toBeLessThan(c.rate[1])
    // No plasticity yet: every weight is bit-identical after the run.
    expect(sim.synapseCount).toBe(synapses)
    expect(weightsOf(sim)).toEqual(w0)
  }, 30_000)
})

describe('Izhikevich (2003) network, 800 / 200, paper scheme, dt 1 ms (VALIDATION item 2)', () => {
  const SEEDS = [1, 2, 3, 4, 5]
  const runs: { seed: number; rateE: number; rateI: number; spec: Spectrum; problems: string[] }[] = []

  beforeAll(() => {
    for (const seed of SEEDS) {
      const sim = createSim(SCENES.izhikevich2003!({}), seed)
      const exc = spikeCounter(sim, 1, 0)
      const inh = spikeCounter(sim, 1, 1)
      const w = watch(50)
      run(sim, 10_000, [exc.observer, inh.observer, w.observe])
      const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0)
      runs.push({
        seed,
        rateE: sum(exc.counts()) / 800 / 10,
        rateI: sum(inh.counts()) / 200 / 10,
        // 1-ms bins, 1000-bin (1 s) Hann segments: 1 Hz resolution, 19 segments per seed.
        spec: welchSpectrum(exc.counts(), 1, 1000),
        problems: w.problems,
      })
    }
  }, 120_000)

  test('state stays bounded in every seed', () => {
    for (const r of runs) expect(r.problems, `seed ${r.seed}`).toEqual([])
  })

  test('excitatory rate near 7 Hz: median of 5 seeds in [6, 8.5] Hz', () => {
    // About ±20 % around the paper's ≈ 7 Hz. Seeds differ by ≈ 0.1 Hz (measured 7.2–7.4 Hz). Measured
    // sensitivity (seed 1, 5 s): thalamic noise SD 5 → 4 gives 3.2 Hz, excitatory weights × 1.2 give
    // 45 Hz, forward Euler instead of the paper's scheme 8.7 Hz — all outside the band; a 2-ms
    // instead of 1-ms delay does not change the rate (7.25 Hz; delays are tested in delay.test.ts).
    const rates = runs.map((r) => r.rateE).sort((a, b) => a - b)
    expect(rates[2]).toBeGreaterThan(6)
    expect(rates[2]).toBeLessThan(8.5)
    for (const r of runs) expect(r.rateI, `seed ${r.seed} inhibitory`).toBeGreaterThan(1)
  })

  test('alpha: a spectral peak in 8–13 Hz, ≥ 3× the power at 3–6 Hz and at 14–18 Hz, in every seed', () => {
    // Measured: the peak sits at 8 Hz (0.5-Hz resolution: 8.0 Hz, half-power 7–9 Hz), i.e. at the
    // lower edge of the alpha band; ≈ 18× and ≈ 7× its neighbours in the 5-seed mean.
    for (const spec of [...runs.map((r) => r.spec), averageSpectra(runs.map((r) => r.spec))]) {
      const alpha = bandMax(spec, 8, 13)
      expect(alpha.power / bandMean(spec, 3, 6)).toBeGreaterThan(3)
      expect(alpha.power / bandMean(spec, 14, 18)).toBeGreaterThan(3)
    }
  })

  test('gamma: a broad peak near 30 Hz, above the alpha–gamma trough and the high-frequency floor', () => {
    // 5-seed mean spectrum, smoothed over 5 Hz. Measured: the fast rhythm is a broad hump from ≈ 20
    // to ≈ 40 Hz whose maximum is at 32 Hz (per seed 28–33 Hz) — on the lower edge of the 30–80 Hz
    // gamma band, not mid-gamma. Its maximum inside 30–80 Hz is ≈ 1.7× the 14–18 Hz trough and
    // ≈ 15× the 60–80 Hz level, but only ≈ 1.2× the 20–28 Hz shoulder just below the band.
    const smooth = smoothSpectrum(averageSpectra(runs.map((r) => r.spec)), 5)
    const gamma = bandMax(smooth, 30, 80)
    expect(gamma.power / bandMean(smooth, 14, 18)).toBeGreaterThan(1.5)
    expect(gamma.power / bandMean(smooth, 60, 80)).toBeGreaterThan(4)
    const fast = bandMax(smooth, 15, 80)
    expect(fast.freq_Hz).toBeGreaterThanOrEqual(25)
    expect(fast.freq_Hz).toBeLessThanOrEqual(45)
  })
})
