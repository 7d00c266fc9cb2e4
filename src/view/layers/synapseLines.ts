/**
 * Synapse line geometry and colours for the synapses layer (synapses.ts): which synapses are drawn
 * (all, or every k-th beyond MAX_LINES), their endpoints (presynaptic → postsynaptic soma), bouton
 * positions, the lines of each presynaptic neuron (CSR, for lighting a neuron's outgoing lines when
 * it fires), and the rest / active colours (packed ABGR) from the weights.
 */
import { RECEPTOR_DELTA, RECEPTOR_GABA_A } from '../../../components/synapse.ts'
import { maxEntityId } from '../../engine/adjacency.ts'
import type { Sim } from '../../engine/world.ts'
import { SYN_ACTIVE_RGB, SYN_EXC_RGB, SYN_INH_RGB, abgr } from '../colors.ts'

export const MAX_LINES = 150_000
export const ACTIVE_DECAY = 0.78
export const WEIGHT_REFRESH_FRAMES = 30
const ALPHA_MIN = 0.02
const ALPHA_SPAN = 0.06
const ALPHA_ACTIVE = 0.7
/** Where a synapse's bouton sits: this far before the postsynaptic soma along its line (µm). */
export const BOUTON_OFFSET_um = 18
export const BOUTON_PX = 5
export const BOUTON_TEX_PX = 16

export interface Lines {
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
  /** Bouton position of each line (µm). */
  bx: Float32Array
  by: Float32Array
  /** |weight| relative to the strongest synapse of its sign, per line (0..1). */
  rel: Float32Array
  stride: number
}

/** Relative strength of a synapse: |w| over the strongest synapse of its sign (0..1). */
function relWeight(isInh: boolean, w: number, maxExc: number, maxInh: number): number {
  return Math.min(1, Math.abs(w) / ((isInh ? maxInh : maxExc) || 1))
}

function isInhibitory(receptor: number, w: number): boolean {
  return receptor === RECEPTOR_GABA_A || (receptor === RECEPTOR_DELTA && w < 0)
}

export function buildLines(sim: Sim): Lines {
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
  const bx = new Float32Array(count)
  const by = new Float32Array(count)
  for (let l = 0; l < count; l++) {
    const dx = positions[4 * l + 2]! - positions[4 * l]!
    const dy = positions[4 * l + 3]! - positions[4 * l + 1]!
    const len = Math.sqrt(dx * dx + dy * dy)
    const back = len > 0 ? Math.min(0.35 * len, BOUTON_OFFSET_um) / len : 0
    bx[l] = positions[4 * l + 2]! - back * dx
    by[l] = positions[4 * l + 3]! - back * dy
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
    bx,
    by,
    rel: new Float32Array(count),
    stride,
  }
  refreshBase(sim, lines)
  return lines
}

/** Recompute rest colours from the current weights; true if any changed. */
export function refreshBase(sim: Sim, L: Lines): boolean {
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
    const inh = isInhibitory(S.receptor[s]!, w)
    const rel = relWeight(inh, w, maxExc, maxInh)
    L.rel[l] = rel
    const c = abgr(inh ? SYN_INH_RGB : SYN_EXC_RGB, ALPHA_MIN + ALPHA_SPAN * rel)
    if (L.base[l] !== c) {
      L.base[l] = c
      changed = true
    }
  }
  return changed
}

const ACT_R = (SYN_ACTIVE_RGB >> 16) & 0xff
const ACT_G = (SYN_ACTIVE_RGB >> 8) & 0xff
const ACT_B = SYN_ACTIVE_RGB & 0xff
const ACT_A = Math.round(ALPHA_ACTIVE * 255)

/** A line's rest colour (ABGR) pushed towards the active colour by a ∈ (0, 1] (integer maths: this runs for every line of every spike). */
export function activeAbgr(c: number, a: number): number {
  const b = 1 - a
  const r = ((c & 0xff) * b + ACT_R * a + 0.5) | 0
  const g = (((c >> 8) & 0xff) * b + ACT_G * a + 0.5) | 0
  const bl = (((c >> 16) & 0xff) * b + ACT_B * a + 0.5) | 0
  const al = ((c >>> 24) * b + ACT_A * a + 0.5) | 0
  return ((al << 24) | (bl << 16) | (g << 8) | r) >>> 0
}
