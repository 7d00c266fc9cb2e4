/**
 * Selection layer (top): marks what the inspector shows — a ring around a selected neuron, or
 * around a selected synapse's bouton with its line (pre → post) highlighted. The ring is drawn in
 * pixels and scaled by 1/zoom, the line is one pixel wide at any zoom, so zooming changes only a
 * scale; the Graphics are redrawn only when the selection changes (or the selected entity moves).
 */
import { Container, Graphics } from 'pixi.js'
import type { Sim } from '../../engine/world.ts'
import type { FrameEvents } from '../frame.ts'
import type { Layer, Lod } from './layer.ts'
import { SELECTION_RGB } from '../colors.ts'

export type Selection = { kind: 'neuron'; id: number } | { kind: 'synapse'; id: number } | null

const RING_PX = 11

export interface SelectionLayer extends Layer {
  select(sel: Selection): void
  readonly selection: Selection
}

export function createSelectionLayer(boutonOf: (syn: number) => { x: number; y: number } | undefined): SelectionLayer {
  const container = new Container({ label: 'selection' })
  const line = new Graphics({ label: 'selected synapse line' })
  const ring = new Graphics({ label: 'selection ring' })
  ring.circle(0, 0, RING_PX).stroke({ color: SELECTION_RGB, width: 2 })
  ring.circle(0, 0, RING_PX + 3).stroke({ color: 0x000000, width: 1.5, alpha: 0.6 })
  container.addChild(line, ring)
  container.visible = false
  let selection: Selection = null
  let sig = ''

  function place(sim: Sim): void {
    if (!selection) {
      container.visible = false
      sig = ''
      return
    }
    const P = sim.components.Position
    if (selection.kind === 'neuron') {
      const n = selection.id
      const key = `n${n}:${P.x_um[n]},${P.y_um[n]}`
      if (key === sig) return
      sig = key
      line.clear()
      ring.position.set(P.x_um[n]!, P.y_um[n]!)
    } else {
      const s = selection.id
      const S = sim.components.Synapse
      if (s >= S.alive.length || S.alive[s] === 0) {
        container.visible = false
        return
      }
      const pre = S.pre[s]!
      const post = S.post[s]!
      const b = boutonOf(s) ?? { x: P.x_um[post]!, y: P.y_um[post]! }
      const key = `s${s}:${P.x_um[pre]},${P.y_um[pre]},${b.x},${b.y}`
      if (key === sig) return
      sig = key
      line.clear()
      line.moveTo(P.x_um[pre]!, P.y_um[pre]!).lineTo(P.x_um[post]!, P.y_um[post]!).stroke({ color: SELECTION_RGB, width: 1, alpha: 0.9, pixelLine: true })
      ring.position.set(b.x, b.y)
    }
    container.visible = true
  }

  let lastSim: Sim | null = null
  return {
    name: 'selection',
    container,
    get selection() {
      return selection
    },
    select(sel: Selection) {
      selection = sel
      sig = ''
      if (lastSim) place(lastSim)
    },
    update(f: FrameEvents) {
      lastSim = f.sim
      place(f.sim)
    },
    setLod(lod: Lod) {
      ring.scale.set(1 / lod.pxPerUm)
    },
    stats() {
      return { shown: container.visible ? 1 : 0 }
    },
    destroy() {
      container.destroy({ children: true })
    },
  }
}
