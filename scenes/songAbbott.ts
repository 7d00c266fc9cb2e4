/**
 * Competitive STDP (Song, Miller & Abbott 2000, Fig. 2): one conductance-based integrate-and-fire
 * neuron driven by 1000 excitatory Poisson inputs through additive-STDP synapses and 200
 * inhibitory Poisson inputs through fixed synapses. One independent copy of that circuit per
 * input rate in `rates_Hz`, so a single run compares rates (VALIDATION item 10).
 *
 * Neuron (paper, Methods), written in the engine's LIF form C dV/dt = g_L (E_L − V) + Σ g (E − V):
 *   τ_m = C/g_L = 20 ms (C = 200 pF, g_L = 10 nS), V_rest = −70 mV, V_th = −54 mV, V_reset = −60 mV,
 *   no refractory period; E_ex = 0 mV, E_in = −70 mV, τ_ex = τ_in = 5 ms (single exponentials,
 *   AMPA-only excitatory synapses; params.receptors).
 * The paper gives conductances in units of the leak conductance: g_max = 0.015, ḡ_in = 0.05, i.e.
 * 0.15 nS and 0.5 nS here. Excitatory weights start uniform in [0, g_max] (stream 'build') — the
 * paper's figures start from a spread of weights; Brian's reproduction uses the same uniform start.
 * STDP: rule "songAbbott2000" (components/plasticity.ts): additive, all-to-all, A+ = 0.005 g_max,
 * A−/A+ = 1.05, τ+ = τ− = 20 ms, hard bounds [0, g_max].
 * Inputs: spike sources (components/spikeSource.ts), excitatory at the copy's rate, inhibitory at
 * 10 Hz. Delays: one step (the paper has none; the engine's minimum).
 *
 * Ids: the postsynaptic neurons first (one per copy), then per copy its excitatory then inhibitory
 * sources. Names per copy (rate r, as written, e.g. "20"): populations out<r>, exc<r>, inh<r>;
 * pathways exc<r>, inh<r>.
 *
 * | parameter     | unit | default | meaning                                                    |
 * |---------------|------|---------|------------------------------------------------------------|
 * | rates_Hz      | Hz   | [20]    | excitatory input rate of each copy (distinct values)       |
 * | nExc, nInh    | –    | 1000, 200 | inputs per copy                                          |
 * | inhRate_Hz    | Hz   | 10      | inhibitory input rate                                      |
 * | gInh_nS       | nS   | 0.5     | inhibitory synapse (0.05 g_L)                              |
 * | plastic       | –    | true    | false: the excitatory weights stay fixed (control)         |
 * | initial       | –    | uniform | "uniform" in [0, g_max] or "max" (all at g_max)            |
 * | dt_ms         | ms   | 0.1     | fast step                                                  |
 *
 * References: Song S, Miller KD, Abbott LF (2000) Competitive Hebbian learning through
 *   spike-timing-dependent synaptic plasticity. Nat Neurosci 3:919. doi:10.1038/78829
 */
import type { Scene } from '../src/engine/world.ts'
import { addNeuron, addSynapse } from '../src/engine/entities.ts'
import { stream } from '../src/engine/rng.ts'
import { STDP_RULES } from '../components/plasticity.ts'
import { addSpikeSource } from '../systems/spikeSources.ts'
import { known, num, str, SceneParamError, type SceneParams } from './params.ts'

export const SONG_RULE = 'songAbbott2000'

export function songAbbott(p: SceneParams = {}): Scene {
  known(p, ['rates_Hz', 'nExc', 'nInh', 'inhRate_Hz', 'gInh_nS', 'plastic', 'initial', 'dt_ms'])
  const rates = p.rates_Hz === undefined ? [20] : p.rates_Hz
  if (!Array.isArray(rates) || rates.length === 0 || rates.some((r) => typeof r !== 'number' || !(r > 0) || r > 1000))
    throw new SceneParamError('rates_Hz', `expected a list of rates in (0, 1000] Hz, got ${JSON.stringify(rates)}`)
  if (new Set(rates).size !== rates.length) throw new SceneParamError('rates_Hz', `rates must be distinct, got ${JSON.stringify(rates)}`)
  const nExc = num(p, 'nExc', 1000, 1, 100_000)
  const nInh = num(p, 'nInh', 200, 0, 100_000)
  const inhRate = num(p, 'inhRate_Hz', 10, 0, 1000)
  const gInh = num(p, 'gInh_nS', 0.5, 0, 100)
  const plastic = p.plastic === undefined ? true : p.plastic
  if (typeof plastic !== 'boolean') throw new SceneParamError('plastic', `expected true or false, got ${JSON.stringify(plastic)}`)
  const initial = str(p, 'initial', 'uniform', ['uniform', 'max'] as const)
  const dt = num(p, 'dt_ms', 0.1, 0.001, 1)
  const rule = STDP_RULES.find((r) => r.name === SONG_RULE)!
  const gMax = rule.wMax
  const names = (rates as number[]).map((r) => String(r))
  return {
    name: 'songAbbott',
    clock: { dt_ms: dt, slowTick_ms: 1000, timeWarp: 1 },
    params: {
      receptors: { tauAMPA_ms: 5, tauGABA_ms: 5, E_AMPA_mV: 0, E_GABA_mV: -70 },
      regions: ['tissue'],
      populations: names.flatMap((r) => [`out${r}`, `exc${r}`, `inh${r}`]),
      pathways: ['none', ...names.flatMap((r) => [`exc${r}`, `inh${r}`])],
      scene: { rates_Hz: rates, nExc, nInh, inhRate_Hz: inhRate, gInh_nS: gInh, plastic, initial, dt_ms: dt },
      width_um: 200 * names.length,
      height_um: 200,
    },
    build(sim) {
      const rng = stream(sim.rng, 'build')
      const posts = names.map((_, k) =>
        addNeuron(sim, {
          model: 'lif',
          lif: { C_pF: 200, gL_nS: 10, EL_mV: -70, Vth_mV: -54, Vreset_mV: -60, tRef_ms: 0 },
          population: 3 * k,
          x_um: 200 * k + 100,
          y_um: 150,
        }),
      )
      names.forEach((_, k) => {
        const rate = (rates as number[])[k]!
        for (let i = 0; i < nExc; i++) {
          const src = addSpikeSource(sim, { rate_Hz: rate, population: 3 * k + 1, x_um: 200 * k + (200 * i) / nExc, y_um: 50 })
          const w = initial === 'max' ? gMax : gMax * rng.next()
          addSynapse(sim, src, posts[k]!, { weight: w, receptor: 'AMPA', delay_ms: dt, pathway: 2 * k + 1, ...(plastic ? { stdp: SONG_RULE } : {}) })
        }
        for (let i = 0; i < nInh; i++) {
          const src = addSpikeSource(sim, { rate_Hz: inhRate, excitatory: false, population: 3 * k + 2, x_um: 200 * k + (200 * i) / Math.max(1, nInh), y_um: 20 })
          addSynapse(sim, src, posts[k]!, { weight: gInh, receptor: 'GABA_A', delay_ms: dt, pathway: 2 * k + 2 })
        }
      })
    },
  }
}
