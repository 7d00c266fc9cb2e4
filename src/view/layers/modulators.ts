/**
 * Neuromodulator layer: the dopamine, acetylcholine and noradrenaline fields of
 * systems/neuromodulation.ts (a grid of cell_um squares) as coloured clouds spreading from where
 * they were released. One RGBA pixel per grid cell in a small canvas, stretched over the tissue
 * with linear filtering (soft edges); each pixel mixes the modulators' colours, its opacity follows
 * receptor occupancy C/(C + EC50) — what the cells feel. The canvas is rewritten only in frames in
 * which the world advanced while a field exists, and nothing is drawn before a first release.
 */
import { Container, Sprite, Texture } from 'pixi.js'
import { DEFAULT_NEUROMODULATORS, MODULATOR_NAMES } from '../../../components/neuromodulator.ts'
import type { Sim } from '../../engine/world.ts'
import type { FrameEvents } from '../frame.ts'
import type { Layer, Lod } from './layer.ts'
import { MODULATOR_RGB } from '../colors.ts'

const MAX_ALPHA = 0.75

export function createModulatorsLayer(): Layer {
  const container = new Container({ label: 'neuromodulators' })
  let canvas: HTMLCanvasElement | null = null
  let ctx: CanvasRenderingContext2D | null = null
  let image: ImageData | null = null
  let sprite: Sprite | null = null
  let texture: Texture | null = null
  let shape = ''
  let shown = 0
  let draws = 0

  function ensure(nx: number, ny: number, cell: number): void {
    const key = `${nx}x${ny}@${cell}`
    if (key === shape) return
    shape = key
    sprite?.destroy()
    texture?.destroy(true)
    canvas = document.createElement('canvas')
    canvas.width = nx
    canvas.height = ny
    ctx = canvas.getContext('2d')!
    image = ctx.createImageData(nx, ny)
    texture = Texture.from(canvas)
    texture.source.scaleMode = 'linear'
    sprite = new Sprite(texture)
    sprite.scale.set(cell)
    container.addChild(sprite)
  }

  function draw(sim: Sim): void {
    const g = sim.state.neuromodulation?.grid
    const fields = g?.fields ?? []
    const active = fields.map((f, m) => (f ? m : -1)).filter((m) => m >= 0)
    if (!g || active.length === 0) {
      if (sprite) sprite.visible = false
      shown = 0
      return
    }
    ensure(g.nx, g.ny, g.cell_um)
    const mods = (sim.params as { neuromodulators?: typeof DEFAULT_NEUROMODULATORS }).neuromodulators?.modulators ?? DEFAULT_NEUROMODULATORS.modulators
    const px = image!.data
    const n = g.nx * g.ny
    let any = 0
    for (let c = 0; c < n; c++) {
      let r = 0
      let gr = 0
      let b = 0
      let a = 0
      for (const m of active) {
        const conc = fields[m]![c]!
        if (!(conc > 0)) continue
        const ec50 = mods[m]?.ec50_uM ?? 1
        const occ = conc / (conc + ec50)
        const rgb = MODULATOR_RGB[m] ?? 0xffffff
        r += ((rgb >> 16) & 0xff) * occ
        gr += ((rgb >> 8) & 0xff) * occ
        b += (rgb & 0xff) * occ
        a += occ
      }
      const o = 4 * c
      if (a > 0) {
        any++
        px[o] = Math.min(255, r / a)
        px[o + 1] = Math.min(255, gr / a)
        px[o + 2] = Math.min(255, b / a)
        px[o + 3] = Math.min(1, a) * MAX_ALPHA * 255
      } else px[o + 3] = 0
    }
    ctx!.putImageData(image!, 0, 0)
    texture!.source.update()
    sprite!.visible = true
    shown = any
    draws++
  }

  let dirty = true
  return {
    name: 'neuromodulators',
    container,
    update(f: FrameEvents) {
      const has = f.sim.state.neuromodulation?.grid?.fields.some((x) => x) ?? false
      if (!has && shown === 0 && !sprite?.visible) return
      if (f.steps > 0 || dirty || (has && shown === 0)) {
        dirty = false
        draw(f.sim)
      }
    },
    setLod(_lod: Lod) {},
    stats() {
      return { cells: shown, draws, modulators: MODULATOR_NAMES.length }
    },
    destroy() {
      container.destroy({ children: true })
      texture?.destroy(true)
    },
  }
}
