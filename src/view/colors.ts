/**
 * Colours of the view. Pixi particles and our line mesh take colours as packed 32-bit ABGR
 * integers (little-endian RGBA bytes), so the maps here produce those directly.
 *
 * Membrane potential: a 256-entry lookup table from V_MIN_mV (−80) to V_MAX_mV (+30), through
 * indigo (hyperpolarised) → blue (rest) → cyan → green (near threshold) → yellow → orange-red
 * (spike peak). Resting cells stay visible on the dark background.
 */

export const V_MIN_mV = -80
export const V_MAX_mV = 30
export const BACKGROUND = 0x0b0e14

/** Colour stops of the voltage map: [mV, 0xRRGGBB]. */
const V_STOPS: readonly [number, number][] = [
  [-80, 0x2b3a8c],
  [-65, 0x3a6fd8],
  [-55, 0x29b3c8],
  [-45, 0x5fd35a],
  [-20, 0xf2d43a],
  [30, 0xff5a36],
]

const LUT_SIZE = 256

/** Pack 0xRRGGBB and alpha (0..1) into ABGR as an unsigned 32-bit number. */
export function abgr(rgb: number, alpha = 1): number {
  const r = (rgb >> 16) & 0xff
  const g = (rgb >> 8) & 0xff
  const b = rgb & 0xff
  const a = Math.round(Math.min(1, Math.max(0, alpha)) * 255)
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0
}

/** Linear mix of two 0xRRGGBB colours (t = 0 → a, t = 1 → b). */
export function mixRgb(a: number, b: number, t: number): number {
  const u = Math.min(1, Math.max(0, t))
  const ch = (shift: number) => Math.round(((a >> shift) & 0xff) * (1 - u) + ((b >> shift) & 0xff) * u)
  return (ch(16) << 16) | (ch(8) << 8) | ch(0)
}

function buildVoltageLut(): Uint32Array {
  const lut = new Uint32Array(LUT_SIZE)
  for (let i = 0; i < LUT_SIZE; i++) {
    const v = V_MIN_mV + ((V_MAX_mV - V_MIN_mV) * i) / (LUT_SIZE - 1)
    let k = 0
    while (k < V_STOPS.length - 2 && v > V_STOPS[k + 1]![0]) k++
    const [v0, c0] = V_STOPS[k]!
    const [v1, c1] = V_STOPS[k + 1]!
    lut[i] = mixRgb(c0, c1, (v - v0) / (v1 - v0))
  }
  return lut
}

/** 0xRRGGBB for each of LUT_SIZE voltages between V_MIN_mV and V_MAX_mV. */
export const VOLTAGE_LUT: Uint32Array = buildVoltageLut()

/** 0xRRGGBB for a membrane potential (clamped to the map's range; NaN maps to the bottom). */
export function voltageRgb(v_mV: number): number {
  const x = ((v_mV - V_MIN_mV) / (V_MAX_mV - V_MIN_mV)) * (LUT_SIZE - 1)
  const i = x > 0 ? (x < LUT_SIZE - 1 ? x | 0 : LUT_SIZE - 1) : 0
  return VOLTAGE_LUT[i]!
}

/** The same map as packed ABGR (opaque), for particles. */
export const VOLTAGE_LUT_ABGR: Uint32Array = VOLTAGE_LUT.map((rgb) => abgr(rgb))

/** Opaque ABGR for a membrane potential (as voltageRgb). */
export function voltageAbgr(v_mV: number): number {
  const x = ((v_mV - V_MIN_mV) / (V_MAX_mV - V_MIN_mV)) * (LUT_SIZE - 1)
  const i = x > 0 ? (x < LUT_SIZE - 1 ? x | 0 : LUT_SIZE - 1) : 0
  return VOLTAGE_LUT_ABGR[i]!
}

/** CSS gradient of the voltage map, for the legend. */
export function voltageGradientCss(): string {
  const stops = V_STOPS.map(([v, c]) => `#${c.toString(16).padStart(6, '0')} ${(((v - V_MIN_mV) / (V_MAX_mV - V_MIN_mV)) * 100).toFixed(1)}%`)
  return `linear-gradient(to right, ${stops.join(', ')})`
}

/** Spike flash colour (near-white, slightly warm). */
export const SPIKE_RGB = 0xfff4d6

/** Synapse colours by sign: excitatory (glutamatergic, positive δ) warm, inhibitory cool. */
export const SYN_EXC_RGB = 0xe0703c
export const SYN_INH_RGB = 0x3c9be0
/** Colour a synapse is pushed towards while its presynaptic spike is fresh. */
export const SYN_ACTIVE_RGB = 0xfff0c0

/** Electrode colours by mode (spike / current). */
export const ELECTRODE_SPIKE_RGB = 0xffd23f
export const ELECTRODE_CURRENT_RGB = 0xff5ad2

/** Selection marker (inspector). */
export const SELECTION_RGB = 0x7dfcff

/** Neuromodulator clouds, by modulator index (dopamine, acetylcholine, noradrenaline). */
export const MODULATOR_RGB: readonly number[] = [0x39ff9e, 0xb57bff, 0xff9f1c]
