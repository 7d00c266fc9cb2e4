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
 */
import { Buffer, BufferUsage, Container, Geometry, Mesh, Shader } from 'pixi.js'
import { RECEPTOR_DELTA, RECEPTOR_GABA_A } from '../../../components/synapse.ts'
import { maxEntityId } from '../../engine/adjacency.ts'
import type { Sim } from '../../engine/world.ts'
import type { FrameEvents } from '../frame.ts'
import type { Layer } from './layer.ts'
import { SYN_ACTIVE_RGB, SYN_EXC_RGB, SYN_INH_RGB, abgr, mixRgb } from '../colors.ts'

export const MAX_LINES = 150_000
const ACTIVE_DECAY = 0.78
const WEIGHT_REFRESH_FRAMES = 30
const ALPHA_MIN = 0.02
const ALPHA_SPAN = 0.06
const ALPHA_ACTIVE = 0.7

const VERTEX = /* glsl */ `
in vec2 aPosition;
in vec4 aColor;
out vec4 vColor;
uniform mat3 uProjectionMatrix;
uniform mat3 uWorldTransformMatrix;
uniform mat3 uTransformMatrix;
void main() {
  mat3 mvp = uProjectionMatrix * uWorldTransformMatrix * uTransformMatrix;
  gl_Position = vec4((mvp * vec3(aPosition, 1.0)).xy, 0.0, 1.0);
  vColor = aColor;
}`

const FRAGMENT = /* glsl */ `
in vec4 vColor;
out vec4 finalColor;
void main() {
  finalColor = vec4(vColor.rgb * vColor.a, vColor.a);
}`

interface Lines {
  count: number
  /** Synapse eid of each line. */
  syn: Uint32Array
  positions: Float32Array
  /** ABGR per vertex (two per line). */
  colors: Uint32Array
  /** Base (inactive) colour of each line, ABGR. */
  base: Uint32Array
  /** Lines by presynaptic neuron, CSR: lines of n = preLines[preStart[n] .. preStart[n+1]). */
  preStart: Uint32Array
  preLines: Uint32Array
  stride: number
}

/** 0xRRGGBB and alpha of a synapse at rest. */
function baseColor(isInh: boolean, w: number, maxExc: number, maxInh: number): number {
  const rel = Math.abs(w) / ((isInh ? maxInh : maxExc) || 1)
  return abgr(isInh ? SYN_INH_RGB : SYN_EXC_RGB, ALPHA_MIN + ALPHA_SPAN * Math.min(1, rel))
}

function isInhibitory(receptor: number, w: number): boolean {
  return receptor === RECEPTOR_GABA_A || (receptor === RECEPTOR_DELTA && w < 0)
}

function buildLines(sim: Sim): Lines {
  const S = sim.components.Synapse
  const P = sim.components.Position
  const last = Math.min(S.alive.length - 1, maxEntityId(sim))
  const stride = Math.max(1, Math.ceil(sim.synapseCount / MAX_LINES))
  const cap = Math.ceil(sim.synapseCount / stride) + 1
  const syn = new Uint32Array(cap)
  let count = 0
  let live = 0
  for (let s = 1; s <= last; s++) {
    if (S.alive[s] === 0) continue
    if (live++ % stride !== 0) continue
    if (count === cap) break
    syn[count++] = s
  }
  const positions = new Float32Array(count * 4)
  const rows = sim.stores.Neuron.capacity
  const preStart = new Uint32Array(rows + 1)
  for (let l = 0; l < count; l++) {
    const s = syn[l]!
    const pre = S.pre[s]!
    const post = S.post[s]!
    positions[4 * l] = P.x_um[pre]!
    positions[4 * l + 1] = P.y_um[pre]!
    positions[4 * l + 2] = P.x_um[post]!
    positions[4 * l + 3] = P.y_um[post]!
    if (pre < rows) preStart[pre + 1]!++
  }
  for (let n = 0; n < rows; n++) preStart[n + 1]! += preStart[n]!
  const fill = preStart.slice(0, rows)
  const preLines = new Uint32Array(count)
  for (let l = 0; l < count; l++) {
    const pre = S.pre[syn[l]!]!
    if (pre < rows) preLines[fill[pre]!++] = l
  }
  const lines: Lines = {
    count,
    syn: syn.subarray(0, count),
    positions,
    colors: new Uint32Array(count * 2),
    base: new Uint32Array(count),
    preStart,
    preLines,
    stride,
  }
  refreshBase(sim, lines)
  return lines
}

/** Recompute rest colours from the current weights; true if any changed. */
function refreshBase(sim: Sim, L: Lines): boolean {
  const S = sim.components.Synapse
  let maxExc = 0
  let maxInh = 0
  for (let l = 0; l < L.count; l++) {
    const s = L.syn[l]!
    const w = S.weight[s]!
    if (isInhibitory(S.receptor[s]!, w)) maxInh = Math.max(maxInh, Math.abs(w))
    else maxExc = Math.max(maxExc, Math.abs(w))
  }
  let changed = false
  for (let l = 0; l < L.count; l++) {
    const s = L.syn[l]!
    const w = S.weight[s]!
    const c = baseColor(isInhibitory(S.receptor[s]!, w), w, maxExc, maxInh)
    if (L.base[l] !== c) {
      L.base[l] = c
      changed = true
    }
  }
  return changed
}

export function createSynapsesLayer(): Layer {
  const container = new Container({ label: 'synapses' })
  const shader = Shader.from({ gl: { vertex: VERTEX, fragment: FRAGMENT, name: 'synapse-lines' }, resources: {} })
  let lines: Lines | null = null
  let mesh: Mesh<Geometry, Shader> | null = null
  let colorBuffer: Buffer | null = null
  let act = new Float32Array(0)
  let active: number[] = []
  let framesSinceRefresh = 0
  let rebuilds = 0
  let uploads = 0

  function writeColor(l: number): void {
    const L = lines!
    const a = act[l]!
    let c = L.base[l]!
    if (a > 0) {
      const rgb = ((c & 0xff) << 16) | (c & 0xff00) | ((c >> 16) & 0xff)
      const alpha = ((c >>> 24) / 255) * (1 - a) + ALPHA_ACTIVE * a
      c = abgr(mixRgb(rgb, SYN_ACTIVE_RGB, a), alpha)
    }
    L.colors[2 * l] = c
    L.colors[2 * l + 1] = c
  }

  function rebuild(sim: Sim): void {
    if (mesh) {
      const g = mesh.geometry
      mesh.destroy()
      g.destroy(true) // and its GPU buffers
    }
    mesh = null
    colorBuffer = null
    lines = buildLines(sim)
    act = new Float32Array(lines.count)
    active = []
    for (let l = 0; l < lines.count; l++) writeColor(l)
    rebuilds++
    if (lines.count === 0) return
    colorBuffer = new Buffer({ data: lines.colors, usage: BufferUsage.VERTEX | BufferUsage.COPY_DST })
    const geometry = new Geometry({
      attributes: {
        aPosition: { buffer: new Buffer({ data: lines.positions, usage: BufferUsage.VERTEX | BufferUsage.COPY_DST }), format: 'float32x2' },
        aColor: { buffer: colorBuffer, format: 'unorm8x4' },
      },
      topology: 'line-list',
    })
    const m = new Mesh<Geometry, Shader>({ geometry, shader })
    container.addChild(m)
    mesh = m
  }

  return {
    name: 'synapses',
    container,
    update(f: FrameEvents) {
      if (!lines || f.synapsesChanged || f.neuronsChanged) rebuild(f.sim)
      const L = lines!
      if (L.count === 0) return
      let dirty = false
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
    setScale() {
      // Lines are one device pixel wide at every scale.
    },
    stats() {
      return { lines: lines?.count ?? 0, stride: lines?.stride ?? 1, active: active.length, rebuilds, uploads }
    },
    destroy() {
      container.destroy({ children: true })
      shader.destroy()
    },
  }
}
