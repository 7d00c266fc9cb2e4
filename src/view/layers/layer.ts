/**
 * A drawing layer: one entity kind (somata, synapses, electrodes, later spines, glia, …) drawn into
 * its own Pixi container in tissue coordinates (1 unit = 1 µm). Layers only read the world.
 * The view calls `update` once per rendered frame, in layer order (bottom first).
 */
import type { Container } from 'pixi.js'
import type { FrameEvents } from '../frame.ts'

export interface Layer {
  readonly name: string
  readonly container: Container
  /** Bring the drawing up to date with the world (and with what happened since the last frame). */
  update(frame: FrameEvents): void
  /** The tissue-to-screen scale changed: `pxPerUm` screen pixels per µm (for pixel-sized marks). */
  setScale(pxPerUm: number): void
  /** Small numbers about what is drawn (for the HUD and tests). */
  stats(): Record<string, number>
  destroy(): void
}
