/**
 * Izhikevich (2003) network: Ne excitatory and Ni inhibitory neurons, all-to-all δ synapses, random
 * thalamic input, 1 ms steps with the paper's two half-steps scheme — the network of the paper's
 * Fig. 3 (its MATLAB code, sized by parameters).
 *
 *   excitatory: r ~ U(0,1): a = 0.02, b = 0.2, c = −65 + 15 r², d = 8 − 6 r²   (RS … CH)
 *   inhibitory: r ~ U(0,1): a = 0.02 + 0.08 r, b = 0.25 − 0.05 r, c = −65, d = 2  (FS … LTS)
 *   S = [0.5 · U(0,1) for excitatory presynaptic, −U(0,1) for inhibitory], every pair (self included)
 *   thalamic input I = 5 · N(0,1) (excitatory), 2 · N(0,1) (inhibitory), fresh each ms
 *   v(0) = −65, u(0) = b · v(0)
 * A spike at step n adds S to the postsynaptic current at step n + 1, as in the paper's code
 * (fired neurons' columns of S are added to I in the next integration).
 *
 * | parameter  | default | meaning                 |
 * |------------|---------|-------------------------|
 * | ne         | 800     | excitatory neurons      |
 * | ni         | 200     | inhibitory neurons      |
 * | width_um   | 1000    | tissue extent (drawing) |
 *
 * Izhikevich EM (2003) IEEE TNN 14:1569. doi:10.1109/TNN.2003.820440
 */
import type { Scene } from '../src/engine/world.ts'
import { addNeuron, addSynapse } from '../src/engine/entities.ts'
import { stream } from '../src/engine/rng.ts'
import { known, num, type SceneParams } from './params.ts'

export function izhikevich2003(p: SceneParams = {}): Scene {
  known(p, ['ne', 'ni', 'width_um'])
  const ne = num(p, 'ne', 800, 1, 20000)
  const ni = num(p, 'ni', 200, 0, 20000)
  const width = num(p, 'width_um', 1000, 10, 1e6)
  return {
    name: 'izhikevich2003',
    clock: { dt_ms: 1, slowTick_ms: 1000, timeWarp: 1 },
    params: {
      integrator: 'izhikevich2003',
      regions: ['cortex'],
      populations: ['excitatory', 'inhibitory'],
      scene: { ne, ni, width_um: width },
      width_um: width,
      height_um: width,
    },
    build(sim) {
      const rng = stream(sim.rng, 'build')
      const side = Math.ceil(Math.sqrt(ne + ni))
      const cell = width / side
      const ids: number[] = []
      const place = (k: number) => ({ x_um: ((k % side) + rng.next()) * cell, y_um: (Math.floor(k / side) + rng.next()) * cell })
      for (let k = 0; k < ne; k++) {
        const r = rng.next()
        ids.push(
          addNeuron(sim, { type: 'RS', a: 0.02, b: 0.2, c_mV: -65 + 15 * r * r, d: 8 - 6 * r * r, excitatory: true, population: 0, noiseSigma: 5, ...place(k) }),
        )
      }
      for (let k = 0; k < ni; k++) {
        const r = rng.next()
        ids.push(
          addNeuron(sim, { type: 'FS', a: 0.02 + 0.08 * r, b: 0.25 - 0.05 * r, c_mV: -65, d: 2, excitatory: false, population: 1, noiseSigma: 2, ...place(ne + k) }),
        )
      }
      for (let j = 0; j < ids.length; j++) {
        const exc = j < ne
        for (let i = 0; i < ids.length; i++) {
          const w = exc ? 0.5 * rng.next() : -rng.next()
          addSynapse(sim, ids[j]!, ids[i]!, { weight: w, receptor: 'delta', delay_ms: 1 })
        }
      }
    },
  }
}
