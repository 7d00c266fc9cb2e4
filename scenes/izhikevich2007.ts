/**
 * Izhikevich (2007) "Solving the distal reward problem": dopamine-modulated STDP
 * (components/rewardStdp.ts) in two variants.
 *
 * variant "network" — the network of the paper's Fig. 1 (its published code daspnet.m, ModelDB 84167):
 *   ne = 800 excitatory RS cells (a = 0.02, b = 0.2, c = −65, d = 8), ni = 200 inhibitory FS cells
 *   (a = 0.1, b = 0.2, c = −65, d = 2); 1 ms steps with the two half-steps scheme (integrator
 *   'izhikevich2003'); v(0) = −65, u(0) = b·v(0).
 *   Each neuron has m = 100 outgoing δ synapses with a 1 ms delay: excitatory onto uniformly random
 *   neurons of the whole network (weight 1, plastic, rule "izhikevich2007Net", w ∈ [0, 4]),
 *   inhibitory onto random excitatory neurons (weight −1, fixed). Targets are drawn with replacement,
 *   as in the code.
 *   Random thalamic input: the code's I = 13·(U(0,1) − 0.5) per ms is replaced by Gaussian noise of
 *   the same variance, σ = 13/√12 = 3.753 (the membrane's noise source is Gaussian).
 *   Dopamine: tonic 0.01 µM/s (steady state 0.002 µM with τ_d = 0.2 s; the paper's baseline, the
 *   code's `0.002 + DA`); the world starts at that steady state.
 *   Reward (a reward contingency, systems/neuromodulation.ts): the first synapse of neuron n1 (the
 *   first excitatory neuron) onto n2 starts at weight 0 (pathway "rewarded"); whenever n2 fires and
 *   n1 fired within 20 ms before, 0.5 µM of dopamine is released (globally) 1–3 s later (uniform,
 *   1 ms grid: the code's t + 1000 + ceil(2000·rand) ms). If n1's first target is n1 itself it is
 *   redrawn (a self-synapse could never satisfy the contingency).
 *   Pathways: "rewarded", "excitatory" (all other E synapses), "inhibitory".
 *
 * variant "pair" — nPairs independent pre → post pairs of resting RS cells joined by one δ synapse
 *   (weight `weight`, 1 ms delay, too weak to make the post cell fire) under reward rule `rule`
 *   (default "izhikevich2007": A+ = 1, k = 1 /(µM·s)), dt = 0.1 ms; pair k at x = 100·k + 50 µm,
 *   pre at y = 50 µm (population "pre"), post at y = 150 µm (population "post"), pathway pair<k>.
 *   For VALIDATION item 9's single-synapse experiment, driven by spike-mode electrodes and
 *   scenario `release` actions.
 *
 * | parameter  | default            | meaning                                               |
 * |------------|--------------------|-------------------------------------------------------|
 * | variant    | "network"          | "network" or "pair"                                   |
 * | ne, ni     | 800, 200           | network: excitatory / inhibitory neurons              |
 * | m          | 100                | network: outgoing synapses per neuron                 |
 * | rewardWindow_ms | 20            | network: n1 must fire within this before n2           |
 * | reward_uM  | 0.5                | network: dopamine per reward                          |
 * | nPairs     | 1                  | pair: independent pairs                               |
 * | rule       | izhikevich2007Net / izhikevich2007 | reward-STDP rule (network / pair)     |
 * | weight     | 0                  | pair: initial weight                                  |
 *
 * References: Izhikevich EM (2007) Cereb Cortex 17:2443. doi:10.1093/cercor/bhl152;
 *   Izhikevich EM (2003) IEEE TNN 14:1569. doi:10.1109/TNN.2003.820440
 */
import type { Scene } from '../src/engine/world.ts'
import { addNeuron, addSynapse } from '../src/engine/entities.ts'
import { stream } from '../src/engine/rng.ts'
import { addContingency, setGlobalLevel, setTonic } from '../systems/neuromodulation.ts'
import { REWARD_STDP_RULES } from '../components/rewardStdp.ts'
import { known, num, str, SceneParamError, type SceneParams } from './params.ts'

/** Thalamic input: Gaussian with the variance of 13·(U(0,1) − 0.5). */
export const THALAMIC_SIGMA = 13 / Math.sqrt(12)
/** Tonic dopamine release (µM/s) and its steady state with τ_d = 200 ms (µM). */
export const TONIC_DA_uM_per_s = 0.01
export const TONIC_DA_uM = 0.002

export function izhikevich2007(p: SceneParams = {}): Scene {
  known(p, ['variant', 'ne', 'ni', 'm', 'rewardWindow_ms', 'reward_uM', 'nPairs', 'rule', 'weight'])
  const variant = str(p, 'variant', 'network', ['network', 'pair'] as const)
  const ruleNames = REWARD_STDP_RULES.slice(1).map((r) => r.name)
  const rule = str(p, 'rule', variant === 'network' ? 'izhikevich2007Net' : 'izhikevich2007', ruleNames)
  return variant === 'pair' ? pairScene(p, rule) : networkScene(p, rule)
}

function networkScene(p: SceneParams, rule: string): Scene {
  const ne = num(p, 'ne', 800, 2, 20000)
  const ni = num(p, 'ni', 200, 0, 20000)
  const m = num(p, 'm', 100, 1, 10000)
  const window_ms = num(p, 'rewardWindow_ms', 20, 1, 1000)
  const reward_uM = num(p, 'reward_uM', 0.5, 0, 100)
  for (const [k, v] of [['ne', ne], ['ni', ni], ['m', m]] as const) if (!Number.isInteger(v)) throw new SceneParamError(k, `expected a whole number, got ${v}`)
  const width = 1000
  return {
    name: 'izhikevich2007',
    clock: { dt_ms: 1, slowTick_ms: 1000, timeWarp: 1 },
    params: {
      integrator: 'izhikevich2003',
      regions: ['cortex'],
      populations: ['excitatory', 'inhibitory'],
      pathways: ['none', 'rewarded', 'excitatory', 'inhibitory'],
      scene: { variant: 'network', ne, ni, m, rule, rewardWindow_ms: window_ms, reward_uM },
      width_um: width,
      height_um: width,
    },
    build(sim) {
      const rng = stream(sim.rng, 'build')
      const n = ne + ni
      const side = Math.ceil(Math.sqrt(n))
      const cell = width / side
      const place = (k: number) => ({ x_um: ((k % side) + rng.next()) * cell, y_um: (Math.floor(k / side) + rng.next()) * cell })
      const ids: number[] = []
      for (let k = 0; k < n; k++) {
        const exc = k < ne
        ids.push(
          addNeuron(sim, {
            type: exc ? 'RS' : 'FS', a: exc ? 0.02 : 0.1, b: 0.2, c_mV: -65, d: exc ? 8 : 2, v_mV: -65, u: 0.2 * -65,
            excitatory: exc, population: exc ? 0 : 1, noiseSigma: THALAMIC_SIGMA, ...place(k),
          }),
        )
      }
      const pick = stream(sim.rng, 'connect')
      const n1 = ids[0]!
      let n2 = -1
      for (let j = 0; j < n; j++) {
        const exc = j < ne
        for (let s = 0; s < m; s++) {
          let target = exc ? Math.floor(pick.next() * n) : Math.floor(pick.next() * ne)
          if (j === 0 && s === 0) {
            while (target === 0) target = Math.floor(pick.next() * n)
            n2 = ids[target]!
            addSynapse(sim, n1, n2, { weight: 0, receptor: 'delta', delay_ms: 1, pathway: 1, reward: rule })
          } else if (exc) addSynapse(sim, ids[j]!, ids[target]!, { weight: 1, receptor: 'delta', delay_ms: 1, pathway: 2, reward: rule })
          else addSynapse(sim, ids[j]!, ids[target]!, { weight: -1, receptor: 'delta', delay_ms: 1, pathway: 3 })
        }
      }
      setTonic(sim, 'dopamine', TONIC_DA_uM_per_s)
      setGlobalLevel(sim, 'dopamine', TONIC_DA_uM)
      addContingency(sim, { pre: n1, post: n2, window_ms, delayMin_ms: 1000, delayMax_ms: 3000, amount_uM: reward_uM, modulator: 'dopamine' })
    },
  }
}

function pairScene(p: SceneParams, rule: string): Scene {
  const nPairs = num(p, 'nPairs', 1, 1, 1000)
  if (!Number.isInteger(nPairs)) throw new SceneParamError('nPairs', `expected a whole number, got ${nPairs}`)
  const weight = num(p, 'weight', 0, 0, 100)
  return {
    name: 'izhikevich2007',
    clock: { dt_ms: 0.1, slowTick_ms: 1000, timeWarp: 1 },
    params: {
      regions: ['tissue'],
      populations: ['pre', 'post'],
      pathways: ['none', ...Array.from({ length: nPairs }, (_, k) => `pair${k}`)],
      scene: { variant: 'pair', nPairs, rule, weight },
      width_um: 100 * nPairs,
      height_um: 200,
    },
    build(sim) {
      for (let k = 0; k < nPairs; k++) {
        const x_um = 100 * k + 50
        const pre = addNeuron(sim, { x_um, y_um: 50, population: 0 })
        const post = addNeuron(sim, { x_um, y_um: 150, population: 1 })
        addSynapse(sim, pre, post, { weight, receptor: 'delta', delay_ms: 1, pathway: k + 1, reward: rule })
      }
    },
  }
}
