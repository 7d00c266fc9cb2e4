/**
 * One run of our engine on a benchmark network (bench/network.ts), in its own process so that every
 * run starts cold, like Brian2's `./main`. Prints one JSON line (`OursResult`) on stdout.
 *
 *   node --expose-gc --import tsx bench/ours.ts <network-dir> [--profile] [--spikes FILE]
 *
 * Timed: process CPU time (user + system, all threads) of `runSteps` over the benchmark duration,
 * with a step observer recording spikes (Brian2 runs a SpikeMonitor; both need the spikes for the
 * correctness gate). Not timed: loading the network and building the world (reported separately).
 * `--spikes FILE` also writes the recorded spikes (for the spike-by-spike comparison of B1).
 * `--profile` wraps each fast system in a wall-clock timer for a per-system breakdown and runs V8's
 * sampling profiler (a separate run: both cost a little).
 *
 * Mapping onto the engine (same model as the Brian2 scripts in bench/peer/):
 *   B1: LIF (C, g_L, E_L, V_th, V_reset, t_ref; I_bias = background current), E synapses on
 *       receptor 'AMPA' (no NMDA), I synapses on 'GABA_A', weights in nS.
 *   B2: LIF with E_L = 0 and C/g_L = τ; δ synapses (receptor 'delta', weight in mV); the external
 *       Poisson input as the Drive component: rate C_ext·ν_ext, weight J, receptor 'delta'.
 *   B3: B2, and E→E synapses under an STDP rule (systems/stdp.ts) built from meta.json's `stdp`:
 *       pair, multiplicative, all-to-all, per-neuron traces — the rule of bench/peer/b3_brunel_stdp.py
 *       (mapping and a check that the engine applies it so: bench/ours-stdp.ts).
 *   Delays: our delay d delivers into step n + d and the membrane sees it in that step; Brian2
 *   delivers a delay-D spike in step n + D/dt after its threshold and the membrane sees it one step
 *   later, so ours = Brian2's + one step.
 */
import { writeFileSync } from 'node:fs'
import { createSim, SYNAPSE_COMPONENTS, type Scene, type Sim } from '../src/engine/world.ts'
import { addNeuron, addSynapse } from '../src/engine/entities.ts'
import { runSteps, FAST_SYSTEMS, type System } from '../src/engine/pipeline.ts'
import { storeBytes } from '../src/engine/store.ts'
import { checkStdpRule, stdpRules } from './ours-stdp.ts'
import { readNetwork, type Network } from './network.ts'
import { createSpikeLog, logSpikes, spikeStats, type SpikeStats } from './spikes.ts'
import { profiled, type HotFunction } from './profile.ts'

export interface OursResult {
  bench: string
  n: number
  nSyn: number
  duration_s: number
  /** CPU seconds of the timed run. */
  cpu_s: number
  wall_s: number
  build_cpu_s: number
  stats: SpikeStats
  /** Peak RSS growth from "network loaded" to the end of the run, bytes. */
  rssGrowth_B: number
  rssBase_B: number
  rssPeak_B: number
  /** Heap + array buffers held by the built world (after GC), minus before building, bytes. */
  heapDelta_B: number
  /** Bytes of the synapse stores' typed arrays (capacity; each store by name) and of the adjacency index. */
  synapseStores_B: number
  storeBytes: Record<string, number>
  adjacency_B: number
  /** --profile: wall ms per fast system, and the hottest functions (V8 sampling profiler). */
  systems?: Record<string, number>
  hot?: HotFunction[]
  /** B3: mean weight of the plastic (E→E) synapses at the end. */
  meanPlasticWeight?: number
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc
  if (g) {
    g()
    g()
  }
}

function heapNow(): number {
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

export function benchScene(net: Network, eidOf: Int32Array): Scene {
  const m = net.meta
  return {
    name: `bench-${m.bench}`,
    clock: { dt_ms: m.dt_ms, slowTick_ms: 1000, timeWarp: 1 },
    params: m.coba
      ? { receptors: { tauAMPA_ms: m.coba.tauE_ms, tauGABA_ms: m.coba.tauI_ms, E_AMPA_mV: m.coba.EE_mV, E_GABA_mV: m.coba.EI_mV } }
      : m.stdp
        ? { stdpRules: stdpRules(m.stdp) }
        : {},
    build: (sim) => buildNetwork(sim, net, eidOf),
  }
}

function buildNetwork(sim: Sim, net: Network, eidOf: Int32Array): void {
  const m = net.meta
  const c = m.coba
  const b = m.brunel
  for (let i = 0; i < m.n; i++) {
    if (c) {
      const lif = { C_pF: c.C_pF, gL_nS: c.gL_nS, EL_mV: c.EL_mV, Vth_mV: c.Vth_mV, Vreset_mV: c.Vreset_mV, tRef_ms: c.tRef_ms }
      eidOf[i] = addNeuron(sim, { model: 'lif', lif, excitatory: i < m.nE, v_mV: net.v0[i]!, I_bias: c.Ibg_pA })
    } else if (b) {
      // C/g_L = τ; the unit of C and g_L cancels for δ synapses (they add mV to V directly).
      const lif = { C_pF: 10 * b.tau_ms, gL_nS: 10, EL_mV: 0, Vth_mV: b.theta_mV, Vreset_mV: b.Vr_mV, tRef_ms: b.tRef_ms }
      const drive = { rate_Hz: b.CExt * b.nuExt_Hz, weight: b.J_mV, receptor: 'delta' as const }
      eidOf[i] = addNeuron(sim, { model: 'lif', lif, excitatory: i < m.nE, v_mV: net.v0[i]!, drive })
    } else throw new Error(`${m.bench}: meta.json has neither coba nor brunel parameters`)
  }
  const delay_ms = ((c ? c.delay_ms : b!.delay_ms) / m.dt_ms + 1) * m.dt_ms
  const { rowStart, post } = net
  for (let i = 0; i < m.n; i++) {
    const exc = i < m.nE
    const init = c
      ? { weight: exc ? c.wE_nS : c.wI_nS, receptor: exc ? ('AMPA' as const) : ('GABA_A' as const), delay_ms }
      : { weight: exc ? b!.J_mV : -b!.g * b!.J_mV, receptor: 'delta' as const, delay_ms }
    const plastic = m.stdp && exc ? { ...init, stdp: 1 } : init
    const pre = eidOf[i]!
    for (let s = rowStart[i]!; s < rowStart[i + 1]!; s++) {
      const j = post[s]!
      addSynapse(sim, pre, eidOf[j]!, j < m.nE ? plastic : init)
    }
  }
}

function wrapSystems(acc: Map<string, number>): () => void {
  const systems = FAST_SYSTEMS as System[]
  const original = systems.slice()
  for (let i = 0; i < systems.length; i++) {
    const f = original[i]!
    const name = f.name || `system${i}`
    acc.set(name, 0)
    systems[i] = (sim) => {
      const t0 = performance.now()
      f(sim)
      acc.set(name, acc.get(name)! + performance.now() - t0)
    }
  }
  return () => {
    for (let i = 0; i < original.length; i++) systems[i] = original[i]!
  }
}

function meanPlasticWeight(sim: Sim): number {
  const { alive, weight } = sim.components.Synapse
  const rule = sim.components.Plasticity.rule
  let sum = 0
  let count = 0
  for (let s = 0; s < rule.length && s < alive.length; s++) {
    if (alive[s] === 1 && rule[s] !== 0) {
      sum += weight[s]!
      count++
    }
  }
  return count > 0 ? sum / count : NaN
}

/** Write spikes as little-endian int32: count, then `count` neuron indices, then `count` steps. */
function writeSpikes(file: string, ids: Int32Array, steps: Int32Array): void {
  const out = new Int32Array(1 + 2 * ids.length)
  out[0] = ids.length
  out.set(ids, 1)
  out.set(steps, 1 + ids.length)
  writeFileSync(file, new Uint8Array(out.buffer))
}

export function runOurs(dir: string, profile: boolean, spikesFile?: string): OursResult {
  gc()
  const net = readNetwork(dir)
  const m = net.meta
  if (m.stdp) checkStdpRule(m.stdp, m.dt_ms, m.brunel!.J_mV)
  gc()
  const rssBase = process.memoryUsage().rss
  const heap0 = heapNow()
  const eidOf = new Int32Array(m.n)
  const cb0 = process.cpuUsage()
  const sim = createSim(benchScene(net, eidOf), m.seed)
  const cb = process.cpuUsage(cb0)
  const rowStart = net.rowStart
  ;(net as { post: Uint32Array | null }).post = null // input no longer needed
  gc()
  const heap1 = heapNow()
  const log = createSpikeLog(Math.ceil(m.n * m.duration_s * 40))
  const record = (s: Sim): void => {
    if (s.spikes.count > 0) logSpikes(log, s.spikes.ids, s.spikes.count, s.time.step)
  }
  const steps = Math.round((m.duration_s * 1000) / m.dt_ms)
  const acc = new Map<string, number>()
  const restore = profile ? wrapSystems(acc) : () => {}
  const w0 = performance.now()
  const c0 = process.cpuUsage()
  let hot: HotFunction[] | undefined
  if (profile) hot = profiled(() => runSteps(sim, steps, [record]))
  else runSteps(sim, steps, [record])
  const c = process.cpuUsage(c0)
  const wall = (performance.now() - w0) / 1000
  restore()
  const rssPeak = process.resourceUsage().maxRSS * 1024
  // Recorded ids are entity ids; the statistics want network indices.
  const index = new Int32Array(eidOf.reduce((a, e) => Math.max(a, e), 0) + 1).fill(-1)
  for (let i = 0; i < m.n; i++) index[eidOf[i]!] = i
  const ids = log.ids.subarray(0, log.count).map((e) => index[e]!)
  const stats = spikeStats(m.n, m.duration_s, ids, log.steps.subarray(0, log.count), m.dt_ms / 1000, rowStart)
  if (spikesFile) writeSpikes(spikesFile, ids, log.steps.subarray(0, log.count))
  const adj = sim.indices.synapses
  return {
    bench: m.bench,
    n: m.n,
    nSyn: sim.synapseCount,
    duration_s: m.duration_s,
    cpu_s: (c.user + c.system) / 1e6,
    wall_s: wall,
    build_cpu_s: (cb.user + cb.system) / 1e6,
    stats,
    rssGrowth_B: rssPeak - rssBase,
    rssBase_B: rssBase,
    rssPeak_B: rssPeak,
    heapDelta_B: heap1 - heap0,
    synapseStores_B: SYNAPSE_COMPONENTS.reduce((a, k) => a + storeBytes(sim.stores[k]), 0),
    storeBytes: Object.fromEntries(SYNAPSE_COMPONENTS.map((k) => [k, storeBytes(sim.stores[k])])),
    adjacency_B: adj.preStart.byteLength + adj.preSyn.byteLength + adj.postStart.byteLength + adj.postSyn.byteLength,
    systems: profile ? Object.fromEntries(acc) : undefined,
    hot,
    meanPlasticWeight: m.stdp ? meanPlasticWeight(sim) : undefined,
  }
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bench/ours.ts')
if (isMain) {
  const args = process.argv.slice(2)
  const dir = args.find((a) => !a.startsWith('--'))
  if (!dir) {
    process.stderr.write('usage: node --expose-gc --import tsx bench/ours.ts <network-dir> [--profile] [--spikes FILE]\n')
    process.exit(2)
  }
  const k = args.indexOf('--spikes')
  const result = runOurs(dir, args.includes('--profile'), k >= 0 ? args[k + 1] : undefined)
  process.stdout.write(JSON.stringify(result) + '\n')
}
