/**
 * Cortical sheet: a 2-D patch of cortex with distance-dependent connectivity. Neurons sit on a
 * jittered square grid (periodic boundaries); each neuron sends `synapsesPerNeuron` synapses to
 * targets found by a Gaussian displacement of width σ from itself, so connection probability falls
 * off as exp(−d²/2σ²) (Hellwig 2000; Mariño et al. 2005). 80 % excitatory (glutamatergic, AMPA
 * only, as in the Vogels–Abbott COBA network), 20 % inhibitory (GABA_A). Every neuron receives
 * independent Poisson background input on AMPA (the sheet's many inputs from outside the patch,
 * Brunel 2000). Axonal delays follow path length and conduction velocity; the path is the shortest
 * one on the torus, so a target found across the periodic boundary is as near as it looks.
 *
 * | parameter           | unit | default | meaning                                         |
 * |---------------------|------|---------|-------------------------------------------------|
 * | n                   | –    | 2000    | neurons                                         |
 * | width_um            | µm   | 1000    | side of the square patch                        |
 * | fracExc             | –    | 0.8     | fraction excitatory                             |
 * | synapsesPerNeuron   | –    | 100     | outgoing synapses per neuron                    |
 * | sigma_um            | µm   | 150     | connectivity footprint (Gaussian SD)            |
 * | model               | –    | lif     | 'lif' (Vogels–Abbott) or 'izhikevich' (RS / FS) |
 * | wExc_nS, wInh_nS    | nS   | 0.4, 5.1| recurrent weights: the COBA benchmark's 0.4 and 5.1 in units of g_L, here taken in nS — a weakly coupled sheet carried by its background input;
 * |                     |      |         | izhikevich: 0.01, 0.05 (model units)            |
 * | driveRate_Hz        | Hz   | 1000    | background Poisson events per neuron            |
 * | driveWeight_nS      | nS   | 0.43    | background event weight (AMPA); izhikevich: 0.01|
 * | velocity_m_per_s    | m/s  | 0.5     | axonal conduction velocity (unmyelinated)       |
 * | dt_ms               | ms   | 0.1     | fast step                                       |
 *
 * The drive defaults are scene parameters chosen for a quiet, asynchronous sheet, not validation
 * targets: seed 1, LIF, 100 synapses per neuron fires ≈ 5 Hz at n = 10 000 (the benchmark of
 * docs/benchmarks.md) and ≈ 6 Hz at the default n = 2000; the izhikevich variant ≈ 7 Hz. The mean
 * background conductance is rate × weight × τ_AMPA ≈ 2.2 nS (the earlier 2400 Hz × 0.4 nS gave
 * 4.8 nS and ≈ 13 Hz); each event costs one exponential deviate, so the rate sets the drive's cost.
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
  const driveRate = num(p, 'driveRate_Hz', 1000, 0, 1e6)
  const driveW = num(p, 'driveWeight_nS', model === 'lif' ? 0.43 : 0.01, 0, 1e6)
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
      const P = sim.components.Position
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
          const post = ids[target]!
          addSynapse(sim, pre, post, {
            weight: exc ? wE : wI,
            receptor: exc ? 'AMPA' : 'GABA_A',
            pathLength_um: wrappedDistance(P.x_um[post]! - P.x_um[pre]!, P.y_um[post]! - P.y_um[pre]!, side * cell),
          })
        }
      }
    },
  }
}

/** Length of the shortest displacement (dx, dy) on a torus of side `L` (periodic boundaries). */
function wrappedDistance(dx: number, dy: number, L: number): number {
  const x = Math.abs(dx) > L / 2 ? L - Math.abs(dx) : dx
  const y = Math.abs(dy) > L / 2 ? L - Math.abs(dy) : dy
  return Math.sqrt(x * x + y * y)
}
