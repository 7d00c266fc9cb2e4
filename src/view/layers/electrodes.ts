/**
 * Electrodes layer: each stimulating electrode is drawn where it is — a ring of its radius of
 * effect and a diamond at the tip — in yellow (spike mode) or magenta (current mode). A protocol
 * pulse makes the electrode flash; an electrode running a protocol shows a second, outer tick ring.
 * Electrodes are few: each is one small Graphics (ring, in µm, one pixel wide at any zoom) with a
 * child tip marker drawn in pixels and scaled by 1/zoom, so zooming only changes a scale and moving
 * an electrode only its position; the Graphics are rebuilt only when an electrode's radius or mode
 * changes, or electrodes come and go.
 */
import { Container, Graphics } from 'pixi.js'
import { query } from 'bitecs'
import { ELECTRODE_CURRENT } from '../../../components/electrode.ts'
import type { Sim } from '../../engine/world.ts'
import type { FrameEvents } from '../frame.ts'
import type { Layer, Lod } from './layer.ts'
import { ELECTRODE_CURRENT_RGB, ELECTRODE_SPIKE_RGB } from '../colors.ts'

const FLASH_DECAY = 0.8
const REST_ALPHA = 0.55
const TIP_PX = 7

interface Drawn {
  eid: number
  g: Graphics
  tip: Graphics
  flash: number
}

export interface ElectrodesLayer extends Layer {
  /** The electrode whose tip is nearest to (x, y) µm within maxDist_um, or 0. */
  nearestElectrode(x_um: number, y_um: number, maxDist_um: number): number
}

/** What forces a rebuild (not the position: moving only moves the Graphics). */
function signature(sim: Sim, ids: ArrayLike<number>): string {
  const E = sim.components.Electrode
  let sig = ''
  for (let i = 0; i < ids.length; i++) {
    const e = ids[i]!
    sig += `${e}:${E.radius_um[e]},${E.mode[e]};`
  }
  return sig
}

export function createElectrodesLayer(): ElectrodesLayer {
  const container = new Container({ label: 'electrodes' })
  let drawn: Drawn[] = []
  let sig = ''
  let pxPerUm = 1
  let rebuilds = 0

  function redraw(sim: Sim, ids: ArrayLike<number>): void {
    for (const d of drawn) d.g.destroy({ children: true })
    drawn = []
    const E = sim.components.Electrode
    for (let i = 0; i < ids.length; i++) {
      const e = ids[i]!
      const color = E.mode[e] === ELECTRODE_CURRENT ? ELECTRODE_CURRENT_RGB : ELECTRODE_SPIKE_RGB
      const g = new Graphics({ label: `electrode ${e}` })
      g.circle(0, 0, E.radius_um[e]!).fill({ color, alpha: 0.06 }).stroke({ color, width: 1, alpha: 0.9, pixelLine: true })
      const tip = new Graphics({ label: 'tip' })
      const t = TIP_PX
      tip.poly([0, -t, t * 0.7, 0, 0, t, -t * 0.7, 0]).fill({ color }).stroke({ color: 0x000000, width: 1.2 })
      tip.scale.set(1 / pxPerUm)
      g.addChild(tip)
      g.alpha = REST_ALPHA
      container.addChild(g)
      drawn.push({ eid: e, g, tip, flash: 0 })
    }
    rebuilds++
  }

  let lastSim: Sim | null = null
  return {
    name: 'electrodes',
    container,
    update(f: FrameEvents) {
      lastSim = f.sim
      const ids = query(f.sim.world, f.sim.queries.electrodes)
      const s = signature(f.sim, ids)
      if (s !== sig) {
        sig = s
        redraw(f.sim, ids)
      }
      const E = f.sim.components.Electrode
      for (const d of drawn) d.g.position.set(E.x_um[d.eid]!, E.y_um[d.eid]!)
      for (const e of f.pulsed) {
        const d = drawn.find((q) => q.eid === e)
        if (d) d.flash = 1
      }
      for (const d of drawn) {
        d.g.alpha = REST_ALPHA + (1 - REST_ALPHA) * d.flash
        if (f.steps > 0) d.flash = d.flash * FLASH_DECAY < 0.05 ? 0 : d.flash * FLASH_DECAY
      }
    },
    setLod(lod: Lod) {
      pxPerUm = lod.pxPerUm
      for (const d of drawn) d.tip.scale.set(1 / pxPerUm)
    },
    nearestElectrode(x: number, y: number, maxDist_um: number) {
      if (!lastSim) return 0
      const E = lastSim.components.Electrode
      let best = 0
      let bestD2 = maxDist_um * maxDist_um
      for (const d of drawn) {
        const dx = E.x_um[d.eid]! - x
        const dy = E.y_um[d.eid]! - y
        const d2 = dx * dx + dy * dy
        if (d2 <= bestD2) {
          bestD2 = d2
          best = d.eid
        }
      }
      return best
    },
    stats() {
      return { electrodes: drawn.length, flashing: drawn.filter((d) => d.flash > 0).length, rebuilds }
    },
    destroy() {
      container.destroy({ children: true })
    },
  }
}
