/**
 * Cortical sheet: a 2-D patch of cortex with distance-dependent connectivity. Neurons sit on a
 * jittered square grid (periodic boundaries); each neuron sends `synapsesPerNeuron` synapses to
 * targets found by a Gaussian displacement of width σ from itself, so connection probability falls
 * off as exp(−d²/2σ²) (Hellwig 2000; Mariño et al. 2005). 80 % excitatory (glutamatergic, AMPA +
 * NMDA), 20 % inhibitory (GABA_A). Every neuron receives independent Poisson background input
 * (the sheet's many inputs from outside the patch, Brunel 2000). Axonal delays follow path length
 * and conduction velocity.
 *
 * | parameter           | unit | default | meaning                                         |
 * |---------------------|------|---------|-------------------------------------------------|
 * | n                   | –    | 2000    | neurons                                         |
 * | width_um            | µm   | 1000    | side of the square patch                        |
 * | fracExc             | –    | 0.8     | fraction excitatory                             |
 * | synapsesPerNeuron   | –    | 100     | outgoing synapses per neuron                    |
 * | sigma_um            | µm   | 150     | connectivity footprint (Gaussian SD)            |
 * | model               | –    | lif     | 'lif' (Vogels–Abbott) or 'izhikevich' (RS / FS) |
 * | wExc_nS, wInh_nS    | nS   | 0.4, 5.1| recurrent weights (Vogels & Abbott 2005 COBA)   |
 * | driveRate_Hz        | Hz   | 2400    | background Poisson events per neuron            |
 * | driveWeight_nS      | nS   | 0.4     | background event weight (AMPA)                  |
 * | velocity_m_per_s    | m/s  | 0.5     | axonal conduction velocity (unmyelinated)       |
 * | dt_ms               | ms   | 0.1     | fast step                                       |
 *
 * References: Vogels TP, Abbott LF (2005) J Neurosci 25:10786; Brunel N (2000) J Comput Neurosci
 *   8:183; Hellwig B (2000) Biol Cybern 82:111.
 */
import type { Scene } from '../src/engine/world.ts'
import { addNeuron, addSynapse } from '../src/engine/entities.ts'
import { stream, normal } from '../src/engine/rng.ts'
import { known, num, str, type SceneParams } from './params.ts'

export const CORTICAL_SHEET_PARAMS = [
  'n', 'width_um', 'fracExc', 'synapsesPerNeuron', 'sigma_um', 'model', 'wExc_nS', 'wInh_nS',
  'driveRate_Hz', 'driveWeight_nS', 'velocity_m_per_s', 'dt_ms',
] as const

export function corticalSheet(p: SceneParams = {}): Scene {
  known(p, CORTICAL_SHEET_PARAMS)
  const n = num(p, 'n', 2000, 2, 1e6)
  const width = num(p, 'width_um', 1000, 10, 1e6)
  const fracExc = num(p, 'fracExc', 0.8, 0, 1)
  const K = num(p, 'synapsesPerNeuron', 100, 0, 10000)
  const sigma = num(p, 'sigma_um', 150, 1, 1e6)
  const model = str(p, 'model', 'lif', ['lif', 'izhikevich'] as const)
  const wE = num(p, 'wExc_nS', model === 'lif' ? 0.4 : 0.01, 0, 1e6)
  const wI = num(p, 'wInh_nS', model === 'lif' ? 5.1 : 0.05, 0, 1e6)
  const driveRate = num(p, 'driveRate_Hz', 2400, 0, 1e6)
  const driveW = num(p, 'driveWeight_nS', model === 'lif' ? 0.4 : 0.01, 0, 1e6)
  const velocity = num(p, 'velocity_m_per_s', 0.5, 0.01, 1000)
  const dt = num(p, 'dt_ms', 0.1, 0.001, 1)
  return {
    name: 'corticalSheet',
    clock: { dt_ms: dt, slowTick_ms: 1000, timeWarp: 1 },
    params: {
      regions: ['cortex'],
      populations: ['excitatory', 'inhibitory'],
      scene: { n, width_um: width, fracExc, synapsesPerNeuron: K, sigma_um: sigma, model, wExc_nS: wE, wInh_nS: wI, driveRate_Hz: driveRate, driveWeight_nS: driveW, velocity_m_per_s: velocity, dt_ms: dt },
      width_um: width,
      height_um: width,
    },
    build(sim) {
      const rng = stream(sim.rng, 'build')
      const side = Math.ceil(Math.sqrt(n))
      const cell = width / side
      const ids = new Uint32Array(n)
      for (let k = 0; k < n; k++) {
        const exc = rng.next() < fracExc
        ids[k] = addNeuron(sim, {
          model,
          type: exc ? 'RS' : 'FS',
          excitatory: exc,
          population: exc ? 0 : 1,
          x_um: ((k % side) + rng.next()) * cell,
          y_um: (Math.floor(k / side) + rng.next()) * cell,
          v_mV: model === 'lif' ? -60 + 10 * rng.next() : -65,
          axonVelocity_m_per_s: velocity,
          drive: driveRate > 0 ? { rate_Hz: driveRate, weight: driveW, receptor: 'AMPA' } : undefined,
        })
      }
      const N = sim.components.Neuron
      for (let k = 0; k < n; k++) {
        const pre = ids[k]!
        const gx = k % side
        const gy = Math.floor(k / side)
        const exc = N.excitatory[pre] === 1
        for (let s = 0; s < K; s++) {
          let target = k
          for (let tries = 0; tries < 100 && target === k; tries++) {
            const tx = (((gx + Math.round((normal(rng) * sigma) / cell)) % side) + side) % side
            const ty = (((gy + Math.round((normal(rng) * sigma) / cell)) % side) + side) % side
            const t = ty * side + tx
            target = t < n ? t : k
          }
          if (target === k) continue
          addSynapse(sim, pre, ids[target]!, { weight: exc ? wE : wI, receptor: exc ? 'AMPA' : 'GABA_A' })
        }
      }
    },
  }
}
