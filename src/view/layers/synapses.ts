/**
 * Synapses layer: one straight line per synapse, presynaptic soma → postsynaptic soma, in a single
 * Mesh with 'line-list' topology (two vertices per line, a position buffer and a colour buffer).
 * Rebuilding a Graphics with 20 k lines every frame took 1–3 s per frame in software WebGL; here
 * the geometry is rebuilt only when the synapse set changes, and only the colour buffer is
 * re-uploaded, only in frames where a colour changed.
 *
 * Colour: excitatory (glutamate, AMPA, positive δ) warm, inhibitory (GABA_A, negative δ) cool;
 * opacity grows with |weight| relative to the strongest synapse of its sign. When the presynaptic
 * neuron fires, its outgoing lines light up and fade over a few frames (only those lines are
 * rewritten). Weights may change without births (plasticity), so base colours are re-read every
 * WEIGHT_REFRESH_FRAMES frames in which the world advanced. Lines are faint (dense fans of
 * thousands of synapses must not wash out the somata) and brighten while active.
 *
 * Beyond MAX_LINES synapses a regular subsample (every k-th live synapse in eid order) is drawn;
 * `stats().stride` says which k.
 *
 * Level of detail (layer.ts): at tissue scale the lines are hidden (the mesh is not drawn at all,
 * and no colour is computed until they show again);
 * they fade in (a shader uniform, no buffer touched) as cells move apart on screen; close up each
 * synapse also gets a bouton — a dot on its line BOUTON_OFFSET_um before the postsynaptic soma,
 * coloured like its line but opaque, in a ParticleContainer built the first time it is needed.
 * Boutons are where synapses are picked (`nearestSynapse`).
 */
import { Buffer, BufferUsage, Container, Geometry, Mesh, Particle, ParticleContainer, Shader, Texture, UniformGroup } from 'pixi.js'
import type { Sim } from '../../engine/world.ts'
import type { FrameEvents } from '../frame.ts'
import { LOD_CIRCUIT_PX, LOD_LINES_FULL_PX, type Layer, type Lod } from './layer.ts'
import { SYN_ACTIVE_RGB, abgr, mixRgb } from '../colors.ts'
import { ACTIVE_DECAY, BOUTON_PX, BOUTON_TEX_PX, WEIGHT_REFRESH_FRAMES, activeAbgr, buildLines, refreshBase, type Lines } from './synapseLines.ts'
export { MAX_LINES, BOUTON_OFFSET_um } from './synapseLines.ts'

const VERTEX = /* glsl */ `
in vec2 aPosition;
in vec4 aColor;
out vec4 vColor;
uniform mat3 uProjectionMatrix;
uniform mat3 uWorldTransformMatrix;
uniform mat3 uTransformMatrix;
uniform float uAlpha;
void main() {
  mat3 mvp = uProjectionMatrix * uWorldTransformMatrix * uTransformMatrix;
  gl_Position = vec4((mvp * vec3(aPosition, 1.0)).xy, 0.0, 1.0);
  vColor = vec4(aColor.rgb, aColor.a * uAlpha);
}`

const FRAGMENT = /* glsl */ `
in vec4 vColor;
out vec4 finalColor;
void main() {
  finalColor = vec4(vColor.rgb * vColor.a, vColor.a);
}`

export interface SynapsesLayer extends Layer {
  /** The drawn synapse whose bouton is nearest to (x, y) µm within maxDist_um, or 0. */
  nearestSynapse(x_um: number, y_um: number, maxDist_um: number): number
  /** Bouton position of a drawn synapse (µm), or undefined if it is not drawn. */
  boutonOf(syn: number): { x: number; y: number } | undefined
}

function dotTexture(): Texture {
  const c = document.createElement('canvas')
  c.width = BOUTON_TEX_PX
  c.height = BOUTON_TEX_PX
  const g = c.getContext('2d')!
  g.fillStyle = '#ffffff'
  g.beginPath()
  g.arc(BOUTON_TEX_PX / 2, BOUTON_TEX_PX / 2, BOUTON_TEX_PX / 2 - 1, 0, 2 * Math.PI)
  g.fill()
  return Texture.from(c)
}

export function createSynapsesLayer(): SynapsesLayer {
  const container = new Container({ label: 'synapses' })
  const uniforms = new UniformGroup({ uAlpha: { value: 1, type: 'f32' } })
  const shader = Shader.from({ gl: { vertex: VERTEX, fragment: FRAGMENT, name: 'synapse-lines' }, resources: { synapseUniforms: uniforms } })
  const boutonTexture = dotTexture()
  const boutons = new ParticleContainer({
    label: 'boutons',
    texture: boutonTexture,
    dynamicProperties: { position: false, rotation: false, uvs: false, vertex: true, color: true },
  })
  boutons.visible = false
  let lines: Lines | null = null
  let mesh: Mesh<Geometry, Shader> | null = null
  let colorBuffer: Buffer | null = null
  let act = new Float32Array(0)
  let active: number[] = []
  let framesSinceRefresh = 0
  let rebuilds = 0
  let uploads = 0
  let lod: Lod | null = null
  let lineAlpha = 1
  /** Colours were not kept up to date while hidden. */
  let stale = false
  let dots: Particle[] = []
  let dotsBuilt = false
  let synToLine = new Map<number, number>()

  function showBoutons(): boolean {
    return lod !== null && lod.level === 'synapse'
  }

  function boutonColor(l: number): number {
    const L = lines!
    const c = L.base[l]!
    const rgb = ((c & 0xff) << 16) | (c & 0xff00) | ((c >> 16) & 0xff)
    const a = act[l]!
    return abgr(a > 0 ? mixRgb(rgb, SYN_ACTIVE_RGB, a) : rgb, 0.45 + 0.55 * Math.max(L.rel[l]!, a))
  }

  function writeColor(l: number): void {
    const L = lines!
    const a = act[l]!
    let c = L.base[l]!
    if (a > 0) c = activeAbgr(c, a)
    L.colors[2 * l] = c
    L.colors[2 * l + 1] = c
    if (dotsBuilt) dots[l]!.color = boutonColor(l)
  }

  function buildBoutons(): void {
    boutons.removeParticles()
    dots = []
    dotsBuilt = false
    const L = lines
    if (!L || L.count === 0) return
    const scale = BOUTON_PX / (BOUTON_TEX_PX * (lod?.pxPerUm ?? 1))
    dots = new Array<Particle>(L.count)
    for (let l = 0; l < L.count; l++)
      dots[l] = new Particle({ texture: boutonTexture, x: L.bx[l]!, y: L.by[l]!, anchorX: 0.5, anchorY: 0.5, scaleX: scale, scaleY: scale })
    dotsBuilt = true
    for (let l = 0; l < L.count; l++) dots[l]!.color = boutonColor(l)
    boutons.addParticle(...dots)
    boutons.update()
  }

  function applyLod(): void {
    if (!lod) return
    lineAlpha = Math.min(1, Math.max(0, (lod.spacingPx - LOD_CIRCUIT_PX) / (LOD_LINES_FULL_PX - LOD_CIRCUIT_PX)))
    uniforms.uniforms.uAlpha = lineAlpha
    if (mesh) mesh.visible = lineAlpha > 0
    const show = showBoutons()
    if (show && !dotsBuilt) buildBoutons()
    boutons.visible = show && dotsBuilt
    if (show && dotsBuilt) {
      const scale = BOUTON_PX / (BOUTON_TEX_PX * lod.pxPerUm)
      for (const d of dots) {
        d.scaleX = scale
        d.scaleY = scale
      }
    }
  }

  function rebuild(sim: Sim): void {
    if (mesh) {
      const g = mesh.geometry
      mesh.destroy()
      g.destroy(true) // and its GPU buffers
    }
    mesh = null
    colorBuffer = null
    boutons.removeParticles()
    dots = []
    dotsBuilt = false
    lines = buildLines(sim)
    synToLine = new Map()
    for (let l = 0; l < lines.count; l++) synToLine.set(lines.syn[l]!, l)
    act = new Float32Array(lines.count)
    active = []
    for (let l = 0; l < lines.count; l++) writeColor(l)
    rebuilds++
    if (lines.count > 0) {
      colorBuffer = new Buffer({ data: lines.colors, usage: BufferUsage.VERTEX | BufferUsage.COPY_DST })
      const geometry = new Geometry({
        attributes: {
          aPosition: { buffer: new Buffer({ data: lines.positions, usage: BufferUsage.VERTEX | BufferUsage.COPY_DST }), format: 'float32x2' },
          aColor: { buffer: colorBuffer, format: 'unorm8x4' },
        },
        topology: 'line-list',
      })
      const m = new Mesh<Geometry, Shader>({ geometry, shader })
      container.addChildAt(m, 0)
      mesh = m
    }
    applyLod()
  }

  container.addChild(boutons)

  return {
    name: 'synapses',
    container,
    update(f: FrameEvents) {
      if (!lines || f.synapsesChanged || f.neuronsChanged) rebuild(f.sim)
      const L = lines!
      if (L.count === 0) return
      let dirty = false
      if (lineAlpha === 0 && !boutons.visible) {
        // Hidden (tissue level of detail): no colour work at all; catch up when shown again.
        if (active.length) {
          for (const l of active) act[l] = 0
          active = []
        }
        stale = true
        return
      }
      if (stale) {
        stale = false
        framesSinceRefresh = 0
        refreshBase(f.sim, L)
        for (let l = 0; l < L.count; l++) writeColor(l)
        dirty = true
      }
      for (const n of f.spiked) {
        if (n + 1 >= L.preStart.length) continue
        for (let k = L.preStart[n]!; k < L.preStart[n + 1]!; k++) {
          const l = L.preLines[k]!
          if (act[l] === 0) active.push(l)
          act[l] = 1
          writeColor(l)
          dirty = true
        }
      }
      if (f.steps > 0) {
        if (++framesSinceRefresh >= WEIGHT_REFRESH_FRAMES) {
          framesSinceRefresh = 0
          if (refreshBase(f.sim, L)) {
            for (let l = 0; l < L.count; l++) writeColor(l)
            dirty = true
          }
        }
        if (active.length) {
          const still: number[] = []
          for (const l of active) {
            const a = act[l]! * ACTIVE_DECAY
            act[l] = a < 0.05 ? 0 : a
            if (act[l]! > 0) still.push(l)
            writeColor(l)
          }
          active = still
          dirty = true
        }
      }
      if (dirty && colorBuffer) {
        colorBuffer.update()
        uploads++
      }
    },
    setLod(next: Lod) {
      lod = next
      applyLod()
    },
    nearestSynapse(x: number, y: number, maxDist_um: number) {
      const L = lines
      if (!L) return 0
      let best = 0
      let bestD2 = maxDist_um * maxDist_um
      for (let l = 0; l < L.count; l++) {
        const dx = L.bx[l]! - x
        const dy = L.by[l]! - y
        const d2 = dx * dx + dy * dy
        if (d2 <= bestD2) {
          bestD2 = d2
          best = L.syn[l]!
        }
      }
      return best
    },
    boutonOf(syn: number) {
      const l = synToLine.get(syn)
      if (l === undefined || !lines) return undefined
      return { x: lines.bx[l]!, y: lines.by[l]! }
    },
    stats() {
      return {
        lines: lines?.count ?? 0,
        stride: lines?.stride ?? 1,
        active: active.length,
        rebuilds,
        uploads,
        linesShown: mesh?.visible ? 1 : 0,
        lineAlpha,
        boutons: boutons.visible ? dots.length : 0,
      }
    },
    destroy() {
      container.destroy({ children: true })
      shader.destroy()
      boutonTexture.destroy(true)
    },
  }
}
