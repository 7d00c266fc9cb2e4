/**
 * The Brunel-style STDP workload of `npm run bench` (issue 4, "Plasticity must not make the engine
 * crawl"): the network of the peer benchmark B3 (bench/network.ts) — 10 000 LIF neurons (8000 E /
 * 2000 I), 10 % connectivity (≈ 10⁷ δ synapses, delay 1.5 ms), Poisson background drive, and the
 * weight-dependent pair STDP rule on every E→E synapse (≈ 6.4·10⁶ plastic synapses), dt 0.1 ms.
 *
 * Method: build, warm up `warmup` simulated s, then `runs` runs of `seconds` simulated s each on the
 * same world; per run wall and process CPU time, medians reported. Plasticity updates are counted as
 * STDP applies them: every spike of a neuron updates each plastic synapse of its out-row (the
 * presynaptic, depression side) and of its in-row (the postsynaptic, potentiation side, found
 * through the adjacency index's in-rows). Counted by an observer from per-neuron plastic row lengths
 * computed once after the build (the network does not change), so counting costs ~10 ns per step.
 */
import { performance } from 'node:perf_hooks'
import { createSim, type Sim } from '../engine/world.ts'
import { run } from '../engine/pipeline.ts'
import { adjacency } from '../engine/adjacency.ts'
import { generate } from '../../bench/network.ts'
import { benchScene } from '../../bench/ours.ts'

export interface StdpBenchResult {
  neurons: number
  synapses: number
  plasticSynapses: number
  build_ms: number
  rate_Hz: number
  runs: { wall_ms: number; cpu_ms: number; updates: number; spikes: number }[]
  simSecondsPerWallSecond: number
  cpuSecondsPerSimSecond: number
  /** Plastic synapse updates per wall-clock second (median run). */
  updatesPerWallSecond: number
  /** Plastic synapse updates per simulated second. */
  updatesPerSimSecond: number
}

function median(xs: readonly number[]): number {
  const v = [...xs].sort((a, b) => a - b)
  const m = v.length >> 1
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2
}

/** Plastic synapses in each neuron's out-row plus in-row (the updates one of its spikes causes). */
function plasticPerSpike(sim: Sim): Float64Array {
  const adj = adjacency(sim)
  const rule = sim.components.Plasticity.rule
  const out = new Float64Array(adj.rows)
  for (let n = 0; n < adj.rows; n++) {
    let k = 0
    for (let i = adj.preStart[n]!; i < adj.preStart[n + 1]!; i++) if ((rule[adj.preSyn[i]!] ?? 0) !== 0) k++
    for (let i = adj.postStart[n]!; i < adj.postStart[n + 1]!; i++) if ((rule[adj.postSyn[i]!] ?? 0) !== 0) k++
    out[n] = k
  }
  return out
}

export function benchStdp(o: { seconds: number; runs: number; warmup: number; seed: number }): StdpBenchResult {
  const net = generate('B3', `bench-${o.seed}`, o.seconds)
  const eidOf = new Int32Array(net.meta.n)
  const b0 = performance.now()
  const sim = createSim(benchScene(net, eidOf), net.meta.seed)
  const build_ms = performance.now() - b0
  const perSpike = plasticPerSpike(sim)
  let plastic = 0
  const rule = sim.components.Plasticity.rule
  for (let s = 0; s < rule.length; s++) if (rule[s] !== 0 && sim.components.Synapse.alive[s] === 1) plastic++
  let updates = 0
  let spikes = 0
  const count = (s: Sim): void => {
    const ids = s.spikes.ids
    for (let i = 0; i < s.spikes.count; i++) updates += perSpike[ids[i]!]!
    spikes += s.spikes.count
  }
  run(sim, o.warmup * 1000, [count])
  const runs: StdpBenchResult['runs'] = []
  for (let r = 0; r < o.runs; r++) {
    updates = 0
    spikes = 0
    const c0 = process.cpuUsage()
    const w0 = performance.now()
    run(sim, o.seconds * 1000, [count])
    const wall_ms = performance.now() - w0
    const c = process.cpuUsage(c0)
    runs.push({ wall_ms, cpu_ms: (c.user + c.system) / 1000, updates, spikes })
  }
  const wall = median(runs.map((x) => x.wall_ms))
  const cpu = median(runs.map((x) => x.cpu_ms))
  const ups = median(runs.map((x) => x.updates))
  return {
    neurons: net.meta.n,
    synapses: sim.synapseCount,
    plasticSynapses: plastic,
    build_ms,
    rate_Hz: median(runs.map((x) => x.spikes)) / net.meta.n / o.seconds,
    runs,
    simSecondsPerWallSecond: (o.seconds * 1000) / wall,
    cpuSecondsPerSimSecond: cpu / (o.seconds * 1000),
    updatesPerWallSecond: ups / (wall / 1000),
    updatesPerSimSecond: ups / o.seconds,
  }
}

/** The workload's section of the bench report. */
export function stdpMarkdown(r: StdpBenchResult, o: { seconds: number; runs: number; warmup: number }): string[] {
  const f = (x: number, d: number) => x.toFixed(d)
  return [
    `Brunel-style STDP workload (the B3 network of bench:peer): ${r.neurons} neurons, ${r.synapses} synapses, ${r.plasticSynapses} plastic (E→E, pair rule); warm-up ${o.warmup} s, then ${o.runs} runs of ${o.seconds} s simulated (medians).`,
    '',
    '| quantity | value |',
    '|---|---|',
    `| simulated s per wall s | ${f(r.simSecondsPerWallSecond, 3)} |`,
    `| CPU s per simulated s | ${f(r.cpuSecondsPerSimSecond, 2)} |`,
    `| plasticity updates per wall s | ${(r.updatesPerWallSecond / 1e6).toFixed(1)} · 10⁶ |`,
    `| plasticity updates per simulated s | ${(r.updatesPerSimSecond / 1e6).toFixed(1)} · 10⁶ |`,
    `| mean firing rate | ${f(r.rate_Hz, 2)} Hz |`,
    `| build time | ${f(r.build_ms / 1000, 1)} s |`,
    '',
    `Runs (wall ms per ${o.seconds} s simulated): ${r.runs.map((x) => x.wall_ms.toFixed(0)).join(', ')}; CPU ms: ${r.runs.map((x) => x.cpu_ms.toFixed(0)).join(', ')}.`,
    '',
  ]
}
