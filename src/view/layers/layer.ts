/**
 * A drawing layer: one entity kind (somata, synapses, electrodes, later spines, glia, …) drawn into
 * its own Pixi container in tissue coordinates (1 unit = 1 µm). Layers only read the world.
 * The view calls `update` once per rendered frame, in layer order (bottom first), and `setLod`
 * whenever the camera's scale changes (zoom, resize) — a layer decides there what it shows at that
 * scale (level of detail) and resizes its pixel-sized marks, without rebuilding its geometry.
 */
import type { Container } from 'pixi.js'
import type { FrameEvents } from '../frame.ts'

/**
 * Level of detail, from how large the tissue appears:
 *   'tissue'  — neurons closer than LOD_CIRCUIT_PX on screen: populations and activity only
 *               (somata), connections hidden;
 *   'circuit' — individual cells apart: connections (synapse lines) shown, fading in;
 *   'synapse' — close up (neighbours ≥ LOD_SYNAPSE_PX apart): individual synapses drawn as
 *               boutons and pickable (and, as they arrive, spines).
 */
export type LodLevel = 'tissue' | 'circuit' | 'synapse'

export interface Lod {
  /** Screen (CSS) pixels per µm. */
  pxPerUm: number
  /** Mean distance between neighbouring neurons, in screen pixels. */
  spacingPx: number
  level: LodLevel
}

/** Mean neuron spacing (px) below which synapse lines are hidden. */
export const LOD_CIRCUIT_PX = 12
/** Lines fade in between LOD_CIRCUIT_PX and this spacing. */
export const LOD_LINES_FULL_PX = 24
/** Mean neuron spacing (px) from which individual synapses are drawn. */
export const LOD_SYNAPSE_PX = 110

export function lodFor(pxPerUm: number, meanSpacing_um: number): Lod {
  const spacingPx = meanSpacing_um * pxPerUm
  const level: LodLevel = spacingPx < LOD_CIRCUIT_PX ? 'tissue' : spacingPx < LOD_SYNAPSE_PX ? 'circuit' : 'synapse'
  return { pxPerUm, spacingPx, level }
}

export interface Layer {
  readonly name: string
  readonly container: Container
  /** Bring the drawing up to date with the world (and with what happened since the last frame). */
  update(frame: FrameEvents): void
  /** The camera's scale changed (zoom or resize): show what belongs at this level of detail. */
  setLod(lod: Lod): void
  /** Small numbers about what is drawn (for the HUD and tests). */
  stats(): Record<string, number>
  destroy(): void
}
