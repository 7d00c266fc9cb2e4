/**
 * Stimulating electrode: a point in the tissue with a radius of effect and an optional target
 * population / region. Protocols (src/engine/protocols.ts) decide *when* it delivers; the electrode
 * decides *whom* and *how*:
 *
 *   mode 0 ("spike"):   every target neuron fires in the step of a pulse — extracellular
 *                       activation of axons (e.g. Schaffer collaterals), all-or-none.
 *   mode 1 ("current"): every target neuron receives I_ext += amplitude for `pulseWidth_ms`
 *                       (intracellular current injection; with a step or ramp protocol the
 *                       amplitude follows the protocol).
 *
 * Target set: neurons with |x − x_e| ≤ radius (Euclidean) that match `population` (0xFFFF: any)
 * and `region` (0xFF: any). It is recomputed when the neuron set changes.
 *
 * | field         | unit | meaning                                      |
 * |---------------|------|----------------------------------------------|
 * | x_um, y_um    | µm   | tip position                                 |
 * | radius_um     | µm   | radius of effect                             |
 * | amplitude     | pA (LIF) / model units (Izhikevich) | current in mode 1 |
 * | pulseWidth_ms | ms   | duration of each current pulse (mode 1)      |
 */
import type { StoreSpec } from '../src/engine/store.ts'

export const ELECTRODE_SPIKE = 0
export const ELECTRODE_CURRENT = 1
export const ANY_POPULATION = 0xffff
export const ANY_REGION = 0xff

export const ElectrodeSpec = {
  x_um: 'f32',
  y_um: 'f32',
  radius_um: 'f32',
  population: 'u16',
  region: 'u8',
  mode: 'u8',
  amplitude: 'f64',
  pulseWidth_ms: 'f64',
} as const satisfies StoreSpec
