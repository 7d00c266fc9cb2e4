/**
 * Somata layer: one particle per neuron, coloured by membrane potential (colors.ts map, −80 to
 * +30 mV), flashing near-white and swelling when the neuron fires. Excitatory cells are triangles
 * (pyramidal), inhibitory cells circles. Two ParticleContainers (one texture each); positions
 * are static and re-uploaded only when the neuron set changes, colour and size are dynamic.
 *
 * Spikes come from the events ring (a spike lasts one step, so sampling v once a frame would
 * miss most of them). A flash decays by FLASH_DECAY per frame in which the world advanced, so a
 * paused world is a still picture.
 */
import { Container, Particle, ParticleContainer, Texture } from 'pixi.js'
import { neuronIds } from '../../engine/entities.ts'
import type { Sim } from '../../engine/world.ts'
import type { FrameEvents } from '../frame.ts'
import type { Layer, Lod } from './layer.ts'
import { SPIKE_RGB, abgr, mixRgb, voltageAbgr, voltageRgb } from '../colors.ts'

const TEX_PX = 32
const FLASH_DECAY = 0.72
const FLASH_SWELL = 0.7
/** Diameter of a pyramidal soma, about 15–20 µm (drawn at least this large close up). */
const SOMA_um = 16

function shapeTexture(shape: 'triangle' | 'circle'): Texture {
  const c = document.createElement('canvas')
  c.width = TEX_PX
  c.height = TEX_PX
  const g = c.getContext('2d')!
  g.fillStyle = '#ffffff'
  g.beginPath()
  if (shape === 'circle') g.arc(TEX_PX / 2, TEX_PX / 2, TEX_PX / 2 - 2, 0, 2 * Math.PI)
  else {
    g.moveTo(TEX_PX / 2, 1)
    g.lineTo(TEX_PX - 2, TEX_PX - 3)
    g.lineTo(2, TEX_PX - 3)
    g.closePath()
  }
  g.fill()
  return Texture.from(c)
}

export interface SomataLayer extends Layer {
  /** Neuron eid → particle, for tests and inspectors. */
  particleOf(eid: number): Particle | undefined
  /** The neuron nearest to (x, y) µm within maxDist_um, or 0. */
  nearestNeuron(x_um: number, y_um: number, maxDist_um: number): number
  /** Drawn diameter of a soma at rest, in screen pixels. */
  readonly diameterPx: number
}

export function createSomataLayer(sim: Sim): SomataLayer {
  const container = new Container({ label: 'somata' })
  const textures = { exc: shapeTexture('triangle'), inh: shapeTexture('circle') }
  const dynamicProperties = { position: false, rotation: false, uvs: false, vertex: true, color: true }
  const exc = new ParticleContainer({ texture: textures.exc, dynamicProperties })
  const inh = new ParticleContainer({ texture: textures.inh, dynamicProperties })
  container.addChild(exc, inh)

  let ids = new Uint32Array(0)
  let particles: Particle[] = []
  let flash = new Float32Array(0)
  let slotOf = new Int32Array(0) // eid → index in ids, −1 if none
  let baseScale = 0.2
  let pxPerUm = 1
  let built = false
  let flashing = 0
  let diameterPx = 6
  /** Every particle's scale must be rewritten (size changed); else only those that flashed. */
  let rescaleAll = true
  let swollen = new Uint8Array(0)

  function rebuild(s: Sim): void {
    ids = neuronIds(s).slice()
    const N = s.components.Neuron
    const P = s.components.Position
    exc.removeParticles()
    inh.removeParticles()
    particles = new Array<Particle>(ids.length)
    flash = new Float32Array(ids.length)
    swollen = new Uint8Array(ids.length)
    slotOf = new Int32Array(s.stores.Neuron.capacity).fill(-1)
    const e: Particle[] = []
    const i: Particle[] = []
    for (let k = 0; k < ids.length; k++) {
      const n = ids[k]!
      const isExc = N.excitatory[n] === 1
      const p = new Particle({ texture: isExc ? textures.exc : textures.inh, x: P.x_um[n]!, y: P.y_um[n]!, anchorX: 0.5, anchorY: 0.5 })
      particles[k] = p
      slotOf[n] = k
      ;(isExc ? e : i).push(p)
    }
    if (e.length) exc.addParticle(...e)
    if (i.length) inh.addParticle(...i)
    exc.update()
    inh.update()
    flashing = 0
    sizeFor(s)
    built = true
  }

  /**
   * Marks about 0.55 of the mean neuron spacing wide, clamped to 3–11 px; close up, never smaller
   * than a real soma (SOMA_um across), up to 48 px.
   */
  function sizeFor(s: Sim): void {
    const n = Math.max(1, ids.length)
    const spacing_px = Math.sqrt((s.params.width_um * s.params.height_um) / n) * pxPerUm
    diameterPx = Math.min(48, Math.max(Math.min(11, Math.max(3, 0.55 * spacing_px)), SOMA_um * pxPerUm))
    baseScale = diameterPx / (TEX_PX * pxPerUm)
    rescaleAll = true
  }

  let lastSim = sim
  return {
    name: 'somata',
    container,
    update(f: FrameEvents) {
      const s = f.sim
      lastSim = s
      if (!built || f.neuronsChanged) rebuild(s)
      for (const n of f.spiked) {
        const k = n < slotOf.length ? slotOf[n]! : -1
        if (k < 0) continue
        if (flash[k] === 0) flashing++
        flash[k] = 1
      }
      const v = s.components.Neuron.v_mV
      const all = rescaleAll
      rescaleAll = false
      for (let k = 0; k < ids.length; k++) {
        const p = particles[k]!
        const fl = flash[k]!
        if (fl > 0) {
          p.color = abgr(mixRgb(voltageRgb(v[ids[k]!]!), SPIKE_RGB, fl))
          const sc = baseScale * (1 + FLASH_SWELL * fl)
          p.scaleX = sc
          p.scaleY = sc
          swollen[k] = 1
        } else {
          p.color = voltageAbgr(v[ids[k]!]!)
          if (all || swollen[k] === 1) {
            p.scaleX = baseScale
            p.scaleY = baseScale
            swollen[k] = 0
          }
        }
      }
      if (f.steps > 0 && flashing > 0) {
        for (let k = 0; k < flash.length; k++) {
          if (flash[k] === 0) continue
          const next = flash[k]! * FLASH_DECAY
          flash[k] = next < 0.04 ? 0 : next
          if (flash[k] === 0) flashing--
        }
      }
    },
    setLod(lod: Lod) {
      pxPerUm = lod.pxPerUm
      sizeFor(lastSim)
    },
    get diameterPx() {
      return diameterPx
    },
    nearestNeuron(x: number, y: number, maxDist_um: number) {
      const P = lastSim.components.Position
      let best = 0
      let bestD2 = maxDist_um * maxDist_um
      for (let k = 0; k < ids.length; k++) {
        const n = ids[k]!
        const dx = P.x_um[n]! - x
        const dy = P.y_um[n]! - y
        const d2 = dx * dx + dy * dy
        if (d2 <= bestD2) {
          bestD2 = d2
          best = n
        }
      }
      return best
    },
    stats() {
      return { neurons: ids.length, excitatory: exc.particleChildren.length, inhibitory: inh.particleChildren.length, flashing }
    },
    particleOf(eid: number) {
      const k = eid < slotOf.length ? slotOf[eid]! : -1
      return k >= 0 ? particles[k] : undefined
    },
    destroy() {
      container.destroy({ children: true })
      textures.exc.destroy(true)
      textures.inh.destroy(true)
    },
  }
}
