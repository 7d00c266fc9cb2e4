/**
 * Benchmark networks, generated once and loaded into both simulators (ours and Brian2), so the two
 * run the same connectivity and the same initial state.
 *
 * A network is a directory holding
 *   meta.json      every parameter of the benchmark (the Brian2 scripts read their numbers from it)
 *   rowStart.u32   CSR row offsets by presynaptic neuron (n + 1 entries, little-endian)
 *   post.u32       postsynaptic neuron of each synapse, rows in ascending pre order, ascending post
 *   v0.f64         initial membrane potential of each neuron (mV)
 * Neurons 0 … nE−1 are excitatory, nE … n−1 inhibitory. Connectivity is Bernoulli(p) for every
 * ordered pair without autapses, drawn by geometric skipping from our seeded Alea stream.
 *
 * | benchmark | model                                                        | reference                      |
 * |-----------|--------------------------------------------------------------|--------------------------------|
 * | B1 COBA   | 4000 conductance LIF, 80/20, p 0.02, exp. conductances        | Brette et al. 2007 bench. 1;   |
 * |           | (w in units of g_L: 0.4, 5.1 → 4 nS, 51 nS), 200 pA background | Vogels & Abbott 2005; Auryn    |
 * | B2 Brunel | 10k δ-LIF, 80/20, p 0.1 (10⁷ syn.), J 0.1 mV, g 5, D 1.5 ms,    | Brunel 2000 model A            |
 * |           | Poisson drive C_ext = 800 at ν_ext = 1.75 ν_thr                |                                |
 * | B3        | B2 + weight-dependent pair STDP on E→E                        | Gütig et al. 2003 (μ = 1)      |
 *
 * References: Brette R et al. (2007) J Comput Neurosci 23:349. doi:10.1007/s10827-007-0038-6
 *   Vogels TP, Abbott LF (2005) J Neurosci 25:10786; Brunel N (2000) J Comput Neurosci 8:183;
 *   Gütig R, Aharonov R, Rotter S, Sompolinsky H (2003) J Neurosci 23:3697.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { createRng, stream, type Stream } from '../src/engine/rng.ts'

export type BenchName = 'B1' | 'B2' | 'B3'

/** Conductance-based LIF of B1 (Vogels & Abbott 2005 as in Brette et al. 2007 / Auryn). */
export interface CobaParams {
  C_pF: number
  gL_nS: number
  EL_mV: number
  Vth_mV: number
  Vreset_mV: number
  tRef_ms: number
  Ibg_pA: number
  tauE_ms: number
  tauI_ms: number
  EE_mV: number
  EI_mV: number
  wE_nS: number
  wI_nS: number
  /** Brian2 delay (0: delivered in the spike's step, seen one step later). */
  delay_ms: number
}

/** δ-synapse LIF of B2/B3 (Brunel 2000 model A). */
export interface BrunelParams {
  tau_ms: number
  theta_mV: number
  Vr_mV: number
  tRef_ms: number
  J_mV: number
  g: number
  delay_ms: number
  /** External inputs per neuron (= C_E) and their rate ν_ext = ratio · ν_thr. */
  CExt: number
  nuExtRatio: number
  nuExt_Hz: number
}

/** Weight-dependent (multiplicative, Gütig μ = 1) all-to-all pair STDP on E→E (B3). */
export interface StdpParams {
  tauPlus_ms: number
  tauMinus_ms: number
  Aplus: number
  Aminus: number
  wmax_mV: number
}

export interface NetworkMeta {
  bench: BenchName
  seed: string
  n: number
  nE: number
  p: number
  dt_ms: number
  duration_s: number
  nSyn: number
  /** Synapses whose presynaptic neuron is excitatory (rows 0 … nE−1). */
  nSynE: number
  /** E→E synapses (B3's plastic ones). */
  nSynEE: number
  coba?: CobaParams
  brunel?: BrunelParams
  stdp?: StdpParams
}

export interface Network {
  meta: NetworkMeta
  rowStart: Uint32Array
  post: Uint32Array
  v0: Float64Array
}

export const DURATION_S: Record<BenchName, number> = { B1: 10, B2: 1, B3: 1 }

function cobaParams(): CobaParams {
  return {
    C_pF: 200, gL_nS: 10, EL_mV: -60, Vth_mV: -50, Vreset_mV: -60, tRef_ms: 5, Ibg_pA: 200,
    tauE_ms: 5, tauI_ms: 10, EE_mV: 0, EI_mV: -80, wE_nS: 4, wI_nS: 51, delay_ms: 0,
  }
}

function brunelParams(nE: number, p: number): BrunelParams {
  const tau_ms = 20
  const theta_mV = 20
  const J_mV = 0.1
  const CE = Math.round(p * nE)
  const nuThr_Hz = (theta_mV / (J_mV * CE * tau_ms)) * 1000
  // 1.75 rather than Brunel's 2: puts the rate at ≈ 35 Hz, the workload the performance notes measured.
  const nuExtRatio = 1.75
  return { tau_ms, theta_mV, Vr_mV: 10, tRef_ms: 2, J_mV, g: 5, delay_ms: 1.5, CExt: CE, nuExtRatio, nuExt_Hz: nuExtRatio * nuThr_Hz }
}

export function benchMeta(bench: BenchName, seed: string, duration_s = DURATION_S[bench]): Omit<NetworkMeta, 'nSyn' | 'nSynE' | 'nSynEE'> {
  if (bench === 'B1') return { bench, seed, n: 4000, nE: 3200, p: 0.02, dt_ms: 0.1, duration_s, coba: cobaParams() }
  const base = { bench, seed, n: 10000, nE: 8000, p: 0.1, dt_ms: 0.1, duration_s, brunel: brunelParams(8000, 0.1) }
  if (bench === 'B2') return base
  return { ...base, stdp: { tauPlus_ms: 20, tauMinus_ms: 20, Aplus: 0.01, Aminus: 0.012, wmax_mV: 0.2 } }
}

/** Targets of one presynaptic neuron: Bernoulli(p) over 0 … n−1 without `self`, by geometric skips. */
function drawRow(rng: Stream, n: number, p: number, self: number, out: Uint32Array, at: number): number {
  const logq = Math.log(1 - p)
  let j = -1
  for (;;) {
    let u = rng.next()
    while (u <= 0) u = rng.next()
    j += 1 + Math.floor(Math.log(u) / logq)
    if (j >= n) return at
    if (j !== self) out[at++] = j
  }
}

export function generate(bench: BenchName, seed: string, duration_s?: number): Network {
  const m = benchMeta(bench, seed, duration_s)
  const rng = createRng(seed)
  const conn = stream(rng, `bench/${bench === 'B3' ? 'B2' : bench}/connectivity`)
  const init = stream(rng, `bench/${bench === 'B3' ? 'B2' : bench}/v0`)
  const { n, nE, p } = m
  // Room for the expected count plus 8 SD; grown if ever exceeded.
  const expected = n * (n - 1) * p
  let post = new Uint32Array(Math.ceil(expected + 8 * Math.sqrt(expected) + n))
  const rowStart = new Uint32Array(n + 1)
  let at = 0
  const row = new Uint32Array(n)
  for (let i = 0; i < n; i++) {
    const k = drawRow(conn, n, p, i, row, 0)
    if (at + k > post.length) {
      const bigger = new Uint32Array(Math.ceil(post.length * 1.25) + k)
      bigger.set(post)
      post = bigger
    }
    post.set(row.subarray(0, k), at)
    at += k
    rowStart[i + 1] = at
  }
  post = post.slice(0, at)
  let nSynEE = 0
  for (let s = 0; s < rowStart[nE]!; s++) if (post[s]! < nE) nSynEE++
  const v0 = new Float64Array(n)
  const [lo, hi] = m.coba ? [m.coba.EL_mV, m.coba.Vth_mV] : [0, m.brunel!.theta_mV]
  for (let i = 0; i < n; i++) v0[i] = lo + (hi - lo) * init.next()
  return { meta: { ...m, nSyn: at, nSynE: rowStart[nE]!, nSynEE }, rowStart, post, v0 }
}

function bytesOf(a: Uint32Array | Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength)
}

export function writeNetwork(dir: string, net: Network): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'rowStart.u32'), bytesOf(net.rowStart))
  writeFileSync(join(dir, 'post.u32'), bytesOf(net.post))
  writeFileSync(join(dir, 'v0.f64'), bytesOf(net.v0))
  // meta.json last: its presence marks a complete network.
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(net.meta, null, 2) + '\n')
}

function readTyped<T extends Uint32Array | Float64Array>(file: string, ctor: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
  const buf = readFileSync(file)
  if (buf.byteLength !== length * ctor.BYTES_PER_ELEMENT)
    throw new Error(`${file}: expected ${length} elements, found ${buf.byteLength / ctor.BYTES_PER_ELEMENT}`)
  const copy = new ArrayBuffer(buf.byteLength)
  new Uint8Array(copy).set(buf)
  return new ctor(copy)
}

export function readNetwork(dir: string): Network {
  const metaFile = join(dir, 'meta.json')
  if (!existsSync(metaFile)) throw new Error(`${metaFile}: missing (generate the network first)`)
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as NetworkMeta
  const rowStart = readTyped(join(dir, 'rowStart.u32'), Uint32Array, meta.n + 1)
  const post = readTyped(join(dir, 'post.u32'), Uint32Array, meta.nSyn)
  const v0 = readTyped(join(dir, 'v0.f64'), Float64Array, meta.n)
  if (rowStart[meta.n] !== meta.nSyn) throw new Error(`${dir}/rowStart.u32: last offset ${rowStart[meta.n]} ≠ nSyn ${meta.nSyn}`)
  return { meta, rowStart, post, v0 }
}

/** Generate the network into `dir` unless an identical one (same meta) is already there. */
export function ensureNetwork(dir: string, bench: BenchName, seed: string, duration_s?: number): NetworkMeta {
  const want = benchMeta(bench, seed, duration_s)
  const metaFile = join(dir, 'meta.json')
  if (existsSync(metaFile)) {
    const have = JSON.parse(readFileSync(metaFile, 'utf8')) as NetworkMeta
    const { nSyn: _a, nSynE: _b, nSynEE: _c, ...rest } = have
    if (JSON.stringify(rest) === JSON.stringify(want)) return have
  }
  const net = generate(bench, seed, duration_s)
  writeNetwork(dir, net)
  return net.meta
}
