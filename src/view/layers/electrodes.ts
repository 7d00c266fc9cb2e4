/**
 * Electrodes layer: each stimulating electrode is drawn where it is — a ring of its radius of
 * effect and a diamond at the tip — in yellow (spike mode) or magenta (current mode). A protocol
 * pulse makes the electrode flash. Electrodes are few, so each is one small Graphics, redrawn only
 * when the set of electrodes or their position / radius / mode changes.
 */
import { Container, Graphics } from 'pixi.js'
import { query } from 'bitecs'
import { ELECTRODE_CURRENT } from '../../../components/electrode.ts'
import type { Sim } from '../../engine/world.ts'
import type { FrameEvents } from '../frame.ts'
import type { Layer } from './layer.ts'
import { ELECTRODE_CURRENT_RGB, ELECTRODE_SPIKE_RGB } from '../colors.ts'

const FLASH_DECAY = 0.8
const REST_ALPHA = 0.55

interface Drawn {
  eid: number
  g: Graphics
  flash: number
}

function signature(sim: Sim, ids: ArrayLike<number>): string {
  const E = sim.components.Electrode
  let sig = ''
  for (let i = 0; i < ids.length; i++) {
    const e = ids[i]!
    sig += `${e}:${E.x_um[e]},${E.y_um[e]},${E.radius_um[e]},${E.mode[e]};`
  }
  return sig
}

export function createElectrodesLayer(): Layer {
  const container = new Container({ label: 'electrodes' })
  let drawn: Drawn[] = []
  let sig = ''
  let pxPerUm = 1

  function redraw(sim: Sim, ids: ArrayLike<number>): void {
    for (const d of drawn) d.g.destroy()
    drawn = []
    const E = sim.components.Electrode
    const tip = 7 / pxPerUm // tip marker ≈ 7 px at any scale
    const stroke = 1.5 / pxPerUm
    for (let i = 0; i < ids.length; i++) {
      const e = ids[i]!
      const color = E.mode[e] === ELECTRODE_CURRENT ? ELECTRODE_CURRENT_RGB : ELECTRODE_SPIKE_RGB
      const x = E.x_um[e]!
      const y = E.y_um[e]!
      const g = new Graphics({ label: `electrode ${e}` })
      g.circle(x, y, E.radius_um[e]!).fill({ color, alpha: 0.06 }).stroke({ color, width: stroke, alpha: 0.9 })
      g.poly([x, y - tip, x + tip * 0.7, y, x, y + tip, x - tip * 0.7, y]).fill({ color }).stroke({ color: 0x000000, width: stroke * 0.8 })
      g.alpha = REST_ALPHA
      container.addChild(g)
      drawn.push({ eid: e, g, flash: 0 })
    }
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
      for (const e of f.pulsed) {
        const d = drawn.find((q) => q.eid === e)
        if (d) d.flash = 1
      }
      for (const d of drawn) {
        d.g.alpha = REST_ALPHA + (1 - REST_ALPHA) * d.flash
        if (f.steps > 0) d.flash = d.flash * FLASH_DECAY < 0.05 ? 0 : d.flash * FLASH_DECAY
      }
    },
    setScale(scale: number) {
      pxPerUm = scale
      sig = '' // marker sizes are in pixels: redraw at the next update
      if (lastSim) this.update({ sim: lastSim, steps: 0, spiked: [], pulsed: [], neuronsChanged: false, synapsesChanged: false, overrun: false })
    },
    stats() {
      return { electrodes: drawn.length, flashing: drawn.filter((d) => d.flash > 0).length }
    },
    destroy() {
      container.destroy({ children: true })
    },
  }
}
