/**
 * Scaling network: a small feed-forward stand-in for the cortical cultures of Turrigiano et al.
 * (1998), built to test homeostatic synaptic scaling (systems/synapticScaling.ts). Spontaneously
 * active "input" cells (Poisson background drive) excite "pyramidal" cells through AMPA synapses of
 * heterogeneous weight (uniform in [0.5, 1.5]·wExc, so that multiplicative and additive scaling
 * differ visibly); "interneuron" cells, excited by the inputs, inhibit the pyramidal cells (GABA_A),
 * so that bicuculline raises the pyramidal rate. The pyramidal cells scale their excitatory inputs
 * toward `target_Hz` when `scaling` is on. Pathways: "exc" input → pyramidal, "ff" input →
 * interneuron, "inh" interneuron → pyramidal. All cells are conductance-based LIF neurons (Vogels &
 * Abbott 2005 parameters, components/neuron.ts). TTX stops every spike, drive included.
 *
 * | parameter        | unit | default | meaning                                                   |
 * |------------------|------|---------|-----------------------------------------------------------|
 * | nInput           | –    | 80      | input cells (population "input")                           |
 * | nPyramidal       | –    | 20      | scaling cells (population "pyramidal")                     |
 * | nInterneuron     | –    | 10      | inhibitory cells (population "interneuron")                |
 * | inputsPerCell    | –    | 40      | AMPA inputs per pyramidal cell / interneuron (random)      |
 * | wExc_nS          | nS   | 2.5     | mean input → pyramidal weight                              |
 * | wInh_nS          | nS   | 2       | interneuron → pyramidal GABA_A weight (all-to-all)         |
 * | wFF_nS           | nS   | 0.8     | input → interneuron weight                                 |
 * | driveRate_Hz     | Hz   | 1000    | background Poisson events per input cell / interneuron     |
 * | driveWeight_nS   | nS   | 0.34    | background event weight (AMPA)                             |
 * | pyrDriveRate_Hz  | Hz   | 500     | background events per pyramidal cell                       |
 * | scaling          | –    | true    | pyramidal cells scale their excitatory inputs              |
 * | target_Hz        | Hz   | 5       | scaling set point (a_goal)                                 |
 * | tau_h            | h    | 69.2    | τ_scaling (components/homeostasis.ts)                      |
 * | dt_ms            | ms   | 0.1     | fast step                                                  |
 *
 * Weights and drives are scene choices for a quiet, asynchronously firing culture, not validation
 * targets (seed 1, without scaling: inputs ≈ 6.6 Hz, pyramidal ≈ 7.7 Hz, interneurons ≈ 35 Hz;
 * pyramidal ≈ 52 Hz without inhibition): scaling moves the pyramidal rate to target_Hz from there.
 *
 * References: Turrigiano GG et al. (1998) Nature 391:892. doi:10.1038/36103; Vogels TP, Abbott LF
 *   (2005) J Neurosci 25:10786.
 */
import type { Scene } from '../src/engine/world.ts'
import { addNeuron, addSynapse } from '../src/engine/entities.ts'
import { stream } from '../src/engine/rng.ts'
import { enableScaling } from '../systems/synapticScaling.ts'
import { SCALING_TAU_H } from '../components/homeostasis.ts'
import { known, num, SceneParamError, type SceneParams } from './params.ts'

export const SCALING_NETWORK_PARAMS = [
  'nInput', 'nPyramidal', 'nInterneuron', 'inputsPerCell', 'wExc_nS', 'wInh_nS', 'wFF_nS', 'driveRate_Hz', 'driveWeight_nS',
  'pyrDriveRate_Hz', 'scaling', 'target_Hz', 'tau_h', 'dt_ms',
] as const

export function scalingNetwork(p: SceneParams = {}): Scene {
  known(p, SCALING_NETWORK_PARAMS)
  const whole = (k: string, d: number, lo: number, hi: number) => {
    const v = num(p, k, d, lo, hi)
    if (!Number.isInteger(v)) throw new SceneParamError(k, `expected a whole number, got ${v}`)
    return v
  }
  const nIn = whole('nInput', 80, 1, 100000)
  const nPyr = whole('nPyramidal', 20, 1, 100000)
  const nInh = whole('nInterneuron', 10, 0, 100000)
  const K = whole('inputsPerCell', 40, 1, 100000)
  const wE = num(p, 'wExc_nS', 2.5, 0, 1000)
  const wI = num(p, 'wInh_nS', 2, 0, 1000)
  const wFF = num(p, 'wFF_nS', 0.8, 0, 1000)
  const driveRate = num(p, 'driveRate_Hz', 1000, 0, 1e6)
  const driveW = num(p, 'driveWeight_nS', 0.34, 0, 1000)
  const pyrDrive = num(p, 'pyrDriveRate_Hz', 500, 0, 1e6)
  if (p.scaling !== undefined && typeof p.scaling !== 'boolean') throw new SceneParamError('scaling', `expected true or false, got ${JSON.stringify(p.scaling)}`)
  const scaling = p.scaling !== false
  const target = num(p, 'target_Hz', 5, 1e-3, 1000)
  const tau_h = num(p, 'tau_h', SCALING_TAU_H, 1e-6, 1e6)
  const dt = num(p, 'dt_ms', 0.1, 0.001, 1)
  const W = 600
  const H = 300
  return {
    name: 'scalingNetwork',
    clock: { dt_ms: dt, slowTick_ms: 1000, timeWarp: 1 },
    params: {
      regions: ['culture'],
      populations: ['input', 'pyramidal', 'interneuron'],
      pathways: ['none', 'exc', 'ff', 'inh'],
      scene: { nInput: nIn, nPyramidal: nPyr, nInterneuron: nInh, inputsPerCell: K, wExc_nS: wE, wInh_nS: wI, wFF_nS: wFF, driveRate_Hz: driveRate, driveWeight_nS: driveW, pyrDriveRate_Hz: pyrDrive, scaling, target_Hz: target, tau_h, dt_ms: dt },
      width_um: W,
      height_um: H,
    },
    build(sim) {
      const rng = stream(sim.rng, 'build')
      const drive = { rate_Hz: driveRate, weight: driveW }
      const inputs: number[] = []
      const pyr: number[] = []
      const inh: number[] = []
      for (let k = 0; k < nIn; k++) inputs.push(addNeuron(sim, { model: 'lif', population: 0, x_um: 50 + 150 * rng.next(), y_um: 20 + 260 * rng.next(), drive }))
      for (let k = 0; k < nPyr; k++)
        pyr.push(addNeuron(sim, { model: 'lif', population: 1, x_um: 300 + 120 * rng.next(), y_um: 20 + 260 * rng.next(), ...(pyrDrive > 0 ? { drive: { rate_Hz: pyrDrive, weight: driveW } } : {}) }))
      for (let k = 0; k < nInh; k++) inh.push(addNeuron(sim, { model: 'lif', excitatory: false, population: 2, x_um: 470 + 110 * rng.next(), y_um: 20 + 260 * rng.next(), drive }))
      const pick = (): number => inputs[Math.floor(rng.next() * inputs.length)]!
      for (const post of pyr) for (let k = 0; k < K; k++) addSynapse(sim, pick(), post, { weight: wE * (0.5 + rng.next()), receptor: 'AMPA', pathway: 1 })
      for (const post of inh) for (let k = 0; k < K; k++) addSynapse(sim, pick(), post, { weight: wFF, receptor: 'AMPA', pathway: 2 })
      for (const pre of inh) for (const post of pyr) addSynapse(sim, pre, post, { weight: wI, receptor: 'GABA_A', pathway: 3 })
      if (scaling) for (const n of pyr) enableScaling(sim, n, { target_Hz: target, tau_h })
    },
  }
}
