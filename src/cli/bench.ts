/**
 * `npm run bench`: speed and memory of the engine's hot loops on the benchmark tissue — a cortical
 * sheet of 10 000 LIF neurons and 10⁶ synapses (scenes/corticalSheet.ts, n = 10 000,
 * synapsesPerNeuron = 100) firing ≈ 5 Hz — and the measurement behind the synapse-id design
 * (bitecs entities vs the engine's store-only ids). docs/benchmarks.md records a run.
 *
 * Method (all on one core, single thread):
 *   ids      bitecs 0.4 `addEntity` + 2 × `addComponent` (the synapse's two stores) per entity in a
 *            throwaway world, against `allocId` on an empty engine world; `--ids` entities, 3 rounds
 *            after a small warm-up round; median µs per entity and heap bytes per entity
 *            (process.memoryUsage heapUsed + arrayBuffers, after gc, before → after).
 *   build    wall time of createSim (neurons, synapses, stores; the adjacency index is built by
 *            the first step and is counted in the warm-up).
 *   speed    warm-up of `--warmup` simulated s, then `--runs` runs of `--seconds` simulated s each
 *            on the same world (it keeps running); per run wall time (performance.now) and process
 *            CPU time; medians reported. An observer counts spikes and delivered synaptic events
 *            (Σ over spikes of the neuron's out-degree) — it adds ~10 ns per step.
 *   systems  a separate run of `--seconds` in which each fast system is timed on its own (same
 *            order as pipeline.step); ns per neuron-step shows where the time goes. `membrane`
 *            includes transmission and the per-neuron drive and noise (they run in its loop).
 *   memory   bytes per synapse: the synapse stores' typed arrays (capacity, not just live part);
 *            all stores + delay ring + adjacency index; and the heap delta of the whole build
 *            (heapUsed + arrayBuffers after gc, before build → after warm-up) per synapse.
 *   default  the default sheet (n = 2000) with the same seed: rate and speed, one run.
 *   stdp     the Brunel-style STDP workload (src/cli/benchStdp.ts): simulated s per wall s and
 *            plasticity updates per second on the B3 network (10⁴ neurons, 6.4·10⁶ plastic synapses).
 *
 * Needs `--expose-gc` for the memory figures (package.json's script passes it). Output: a Markdown
 * report on stdout (or JSON with `--json`). Exit 2 on a bad option.
 */
import os from 'node:os'
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { addComponent, addEntity, createWorld } from 'bitecs'
import { createSim, createEmptySim, defaultParams, type Sim } from '../engine/world.ts'
import { run, FAST_SYSTEMS, slowTick } from '../engine/pipeline.ts'
import { allocId, neuronIds } from '../engine/entities.ts'
import { adjacency } from '../engine/adjacency.ts'
import { storeBytes, type StoreEntry } from '../engine/store.ts'
import { corticalSheet } from '../../scenes/corticalSheet.ts'
import { UsageError, intFlag, parseArgs, positiveFlag, type FlagSpec } from './args.ts'
import { benchStdp, stdpMarkdown } from './benchStdp.ts'
import { renderBench } from './benchRender.ts'

/** The STDP workload runs 1 simulated s per timed run after 0.5 s of warm-up (≈ 10 CPU s per run). */
const STDP_RUN = (o: BenchOptions) => ({ seconds: 1, runs: o.stdpRuns, warmup: 0.5 })

export const BENCH_HELP = `Usage: npm run bench -- [options]

Benchmark the engine on the cortical sheet (default 10 000 neurons × 100 synapses each) and
measure bitecs entities against store-only synapse ids. Prints a Markdown report.

Options:
  --n N                     neurons (default 10000)
  --synapses-per-neuron K   outgoing synapses per neuron (default 100)
  --seconds S               simulated seconds per timed run (default 1)
  --runs R                  timed runs, median reported (default 7, at least 5 recommended)
  --warmup S                simulated seconds of warm-up before the runs (default 1)
  --seed N                  world seed (default 1)
  --ids N                   entities in the synapse-id comparison (default 200000)
  --stdp-runs R             timed runs of the STDP workload (B3 network, 1 s each; default 3; 0 skips it)
  --no-render               skip the browser render benchmark (bench/render.ts; needs Chromium)
  --json                    print JSON instead of Markdown
  -h, --help                show this help
`

const FLAGS: Record<string, FlagSpec> = {
  n: { value: true },
  'synapses-per-neuron': { value: true },
  seconds: { value: true },
  runs: { value: true },
  warmup: { value: true },
  seed: { value: true },
  ids: { value: true },
  'stdp-runs': { value: true },
  'no-render': {},
  json: {},
  help: {},
}

export interface BenchOptions {
  n: number
  synapsesPerNeuron: number
  seconds: number
  runs: number
  warmup: number
  seed: number
  ids: number
  /** Timed runs of the Brunel-style STDP workload (src/cli/benchStdp.ts); 0 skips it. */
  stdpRuns: number
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const gc = (globalThis as { gc?: () => void }).gc

/** heapUsed + arrayBuffers after a full collection (NaN without --expose-gc). */
function heapBytes(): number {
  if (!gc) return NaN
  gc()
  gc()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(since)
  return (c.user + c.system) / 1000
}

// ---------------------------------------------------------------------------------------------
// Synapse ids: bitecs entities vs store-only ids
// ---------------------------------------------------------------------------------------------

export interface IdCost {
  usPerEntity: number
  bytesPerEntity: number
}

function bitecsRound(count: number): IdCost {
  const world = createWorld()
  // Two components, as a synapse has two stores (Synapse, ShortTerm); bitecs 0.4 takes any object.
  const A = {}
  const B = {}
  const before = heapBytes()
  const t0 = performance.now()
  for (let i = 0; i < count; i++) {
    const eid = addEntity(world)
    addComponent(world, eid, A)
    addComponent(world, eid, B)
  }
  const us = ((performance.now() - t0) * 1000) / count
  const after = heapBytes()
  keep(world)
  return { usPerEntity: us, bytesPerEntity: (after - before) / count }
}

function storeOnlyRound(count: number): IdCost {
  const sim = createEmptySim('ids', 1, { dt_ms: 0.1 }, defaultParams())
  const before = heapBytes()
  const t0 = performance.now()
  for (let i = 0; i < count; i++) allocId(sim)
  const us = ((performance.now() - t0) * 1000) / count
  const after = heapBytes()
  keep(sim)
  return { usPerEntity: us, bytesPerEntity: (after - before) / count }
}

let sink: unknown
/** Keep an object reachable until after the heap was measured. */
function keep(x: unknown): void {
  sink = x
}

export function measureIds(count: number): { bitecs: IdCost; storeOnly: IdCost } {
  bitecsRound(Math.min(count, 20000))
  storeOnlyRound(Math.min(count, 20000))
  const b: IdCost[] = []
  const s: IdCost[] = []
  for (let r = 0; r < 3; r++) {
    b.push(bitecsRound(count))
    s.push(storeOnlyRound(count))
  }
  sink = undefined
  const med = (xs: IdCost[]): IdCost => ({ usPerEntity: median(xs.map((x) => x.usPerEntity)), bytesPerEntity: median(xs.map((x) => x.bytesPerEntity)) })
  return { bitecs: med(b), storeOnly: med(s) }
}

// ---------------------------------------------------------------------------------------------
// The sheet
// ---------------------------------------------------------------------------------------------

export interface SpeedRun {
  wall_ms: number
  cpu_ms: number
  spikes: number
  events: number
}

/** Spikes and delivered synaptic events (out-degree of each spiking neuron), per step. */
function counter(sim: Sim) {
  const adj = adjacency(sim)
  const c = { spikes: 0, events: 0 }
  const observe = (s: Sim) => {
    const ids = s.spikes.ids
    for (let i = 0; i < s.spikes.count; i++) {
      const n = ids[i]!
      if (n < adj.rows) c.events += adj.preStart[n + 1]! - adj.preStart[n]!
    }
    c.spikes += s.spikes.count
  }
  return { c, observe }
}

function timedRun(sim: Sim, seconds: number): SpeedRun {
  const { c, observe } = counter(sim)
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  run(sim, seconds * 1000, [observe])
  const wall = performance.now() - t0
  return { wall_ms: wall, cpu_ms: cpuMs(cpu0), spikes: c.spikes, events: c.events }
}

export interface SystemsFigures {
  systems: { name: string; ns_per_neuron_step: number }[]
  /** Time of the propagation system per delivered synaptic event. */
  ns_per_event: number
}

/** Fast systems timed one by one (the order and bookkeeping of pipeline.step). */
function systemsRun(sim: Sim, seconds: number): SystemsFigures {
  const steps = Math.round((seconds * 1000) / sim.time.dt_ms)
  const total = new Float64Array(FAST_SYSTEMS.length)
  const { c, observe } = counter(sim)
  for (let k = 0; k < steps; k++) {
    for (let i = 0; i < FAST_SYSTEMS.length; i++) {
      const t0 = performance.now()
      FAST_SYSTEMS[i]!(sim)
      total[i]! += performance.now() - t0
    }
    observe(sim)
    sim.time.step++
    sim.spikes.count = 0
    if (sim.time.step % sim.time.slowTickSteps === 0) slowTick(sim, sim.time.slowTick_ms * sim.time.timeWarp)
  }
  const n = neuronIds(sim).length
  const prop = FAST_SYSTEMS.findIndex((f) => f.name === 'propagation')
  return {
    systems: FAST_SYSTEMS.map((f, i) => ({ name: f.name, ns_per_neuron_step: (total[i]! * 1e6) / (steps * n) })),
    ns_per_event: prop >= 0 && c.events > 0 ? (total[prop]! * 1e6) / c.events : NaN,
  }
}

export interface MemoryFigures {
  synapseStores_B: number
  allTyped_B: number
  heap_B: number
}

function typedBytes(sim: Sim): { synapse: number; all: number } {
  const entries = Object.values(sim.stores) as StoreEntry[]
  const synapse = storeBytes(sim.stores.Synapse) + storeBytes(sim.stores.ShortTerm)
  let all = 0
  for (const e of entries) all += storeBytes(e)
  for (const ch of sim.indices.delay.channels) if (ch) all += ch.byteLength
  const adj = adjacency(sim)
  all += adj.preStart.byteLength + adj.preSyn.byteLength + adj.postStart.byteLength + adj.postSyn.byteLength
  return { synapse, all }
}

export interface SheetResult {
  neurons: number
  synapses: number
  build_ms: number
  memory: MemoryFigures
  runs: SpeedRun[]
  systems: SystemsFigures
  simSecondsPerWallSecond: number
  simSecondsPerCpuSecond: number
  eventsPerSecond: number
  rate_Hz: number
}

export function benchSheet(o: BenchOptions): SheetResult {
  const before = heapBytes()
  const t0 = performance.now()
  const sim = createSim(corticalSheet({ n: o.n, synapsesPerNeuron: o.synapsesPerNeuron }), o.seed)
  const build = performance.now() - t0
  run(sim, o.warmup * 1000)
  const heap = heapBytes() - before
  const typed = typedBytes(sim)
  const syn = sim.synapseCount
  const runs: SpeedRun[] = []
  for (let r = 0; r < o.runs; r++) runs.push(timedRun(sim, o.seconds))
  const systems = systemsRun(sim, o.seconds)
  const n = neuronIds(sim).length
  const wall = median(runs.map((r) => r.wall_ms))
  return {
    neurons: n,
    synapses: syn,
    build_ms: build,
    memory: { synapseStores_B: typed.synapse / syn, allTyped_B: typed.all / syn, heap_B: heap / syn },
    runs,
    systems,
    simSecondsPerWallSecond: (o.seconds * 1000) / wall,
    simSecondsPerCpuSecond: (o.seconds * 1000) / median(runs.map((r) => r.cpu_ms)),
    eventsPerSecond: median(runs.map((r) => r.events / (r.wall_ms / 1000))),
    rate_Hz: median(runs.map((r) => r.spikes / n / o.seconds)),
  }
}

/** The default sheet (n = 2000): is its rate sensible, and how fast does it run? */
export function benchDefault(seed: number): { neurons: number; synapses: number; rate_Hz: number; simSecondsPerWallSecond: number } {
  const sim = createSim(corticalSheet(), seed)
  run(sim, 300)
  const r = timedRun(sim, 1)
  const n = neuronIds(sim).length
  return { neurons: n, synapses: sim.synapseCount, rate_Hz: r.spikes / n, simSecondsPerWallSecond: 1000 / r.wall_ms }
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

export function machine() {
  const cpus = os.cpus()
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    logicalCpus: cpus.length,
    memory_GB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    v8: process.versions.v8,
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
  }
}

const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a')

function markdown(r: ReturnType<typeof runBench>): string {
  const s = r.sheet
  const m = r.machine
  const lines = [
    `## Benchmark run ${m.date}`,
    '',
    `Machine: ${m.cpu}, ${m.logicalCpus} logical CPUs, ${m.memory_GB} GB, ${m.os}; Node ${m.node} (V8 ${m.v8}); load average at start ${m.loadAverage.join(' / ')}, at end ${r.loadAverageEnd.join(' / ')}.`,
    '',
    `Sheet: ${s.neurons} neurons, ${s.synapses} synapses, seed ${r.options.seed}; warm-up ${r.options.warmup} s, then ${r.options.runs} runs of ${r.options.seconds} s simulated (medians).`,
    '',
    '| quantity | value |',
    '|---|---|',
    `| simulated s per wall s | ${f(s.simSecondsPerWallSecond, 3)} (wall ${f(1 / s.simSecondsPerWallSecond, 2)} s per simulated s) |`,
    `| simulated s per CPU s | ${f(s.simSecondsPerCpuSecond, 3)} |`,
    `| synaptic events per wall s | ${(s.eventsPerSecond / 1e6).toFixed(2)} · 10⁶ |`,
    `| mean firing rate | ${f(s.rate_Hz, 2)} Hz |`,
    `| build time | ${f(s.build_ms / 1000, 2)} s |`,
    `| synapse stores, typed arrays | ${f(s.memory.synapseStores_B, 1)} B / synapse |`,
    `| all stores + delay ring + adjacency | ${f(s.memory.allTyped_B, 1)} B / synapse |`,
    `| heap (heapUsed + arrayBuffers, after gc) | ${f(s.memory.heap_B, 1)} B / synapse |`,
    '',
    `Runs (wall ms per ${r.options.seconds} s simulated): ${s.runs.map((x) => x.wall_ms.toFixed(0)).join(', ')}; CPU ms: ${s.runs.map((x) => x.cpu_ms.toFixed(0)).join(', ')}.`,
    '',
    '| fast system | ns per neuron-step |',
    '|---|---|',
    ...s.systems.systems.map((x) => `| ${x.name} | ${f(x.ns_per_neuron_step, 2)} |`),
    `| total | ${f(s.systems.systems.reduce((a, x) => a + x.ns_per_neuron_step, 0), 2)} |`,
    '',
    'membrane includes receptor decay and delay-ring arrivals (transmission) and the background drive and noise of each neuron (one pass per neuron; docs/architecture.md).',
    '',
    `Delivery alone (propagation system time per delivered event): ${f(s.systems.ns_per_event, 1)} ns, i.e. ${f(1e3 / s.systems.ns_per_event, 1)} · 10⁶ events per second of its own time.`,
    '',
    `Synapse ids (${r.options.ids} entities, median of 3 rounds):`,
    '',
    '| path | µs per entity | heap B per entity |',
    '|---|---|---|',
    `| bitecs addEntity + 2 × addComponent | ${f(r.ids.bitecs.usPerEntity, 3)} | ${f(r.ids.bitecs.bytesPerEntity, 1)} |`,
    `| engine allocId (store-only) | ${f(r.ids.storeOnly.usPerEntity, 3)} | ${f(r.ids.storeOnly.bytesPerEntity, 1)} |`,
    '',
    `Default sheet (${r.defaultSheet.neurons} neurons, ${r.defaultSheet.synapses} synapses): ${f(r.defaultSheet.rate_Hz, 2)} Hz, ${f(r.defaultSheet.simSecondsPerWallSecond, 2)} simulated s per wall s.`,
    '',
    ...(r.stdp ? stdpMarkdown(r.stdp, STDP_RUN(r.options)) : []),
  ]
  return lines.join('\n')
}

export function runBench(o: BenchOptions) {
  const m = machine()
  const ids = measureIds(o.ids)
  const sheet = benchSheet(o)
  const defaultSheet = benchDefault(o.seed)
  const stdp = o.stdpRuns > 0 ? benchStdp({ ...STDP_RUN(o), seed: o.seed }) : undefined
  return { machine: m, options: o, ids, sheet, defaultSheet, stdp, loadAverageEnd: os.loadavg().map((x) => Number(x.toFixed(2))) }
}

export function parseBenchArgs(argv: readonly string[]): { options: BenchOptions; json: boolean; help: boolean; noRender: boolean } {
  const p = parseArgs(argv, FLAGS, 'bench')
  if (p.positionals.length > 0) throw new UsageError(`unexpected argument "${p.positionals[0]}" (see --help)`)
  const whole = (name: string, dflt: number, min: number) => {
    const v = intFlag(p, name) ?? dflt
    if (v < min) throw new UsageError(`--${name} must be at least ${min}, got ${v}`)
    return v
  }
  const options: BenchOptions = {
    n: whole('n', 10000, 2),
    synapsesPerNeuron: whole('synapses-per-neuron', 100, 0),
    seconds: positiveFlag(p, 'seconds') ?? 1,
    runs: whole('runs', 7, 1),
    warmup: positiveFlag(p, 'warmup') ?? 1,
    seed: intFlag(p, 'seed') ?? 1,
    ids: whole('ids', 200000, 1000),
    stdpRuns: whole('stdp-runs', 3, 0),
  }
  return { options, json: p.flags.has('json'), help: p.flags.has('help'), noRender: p.flags.has('no-render') }
}

export function main(argv: readonly string[]): number {
  let parsed
  try {
    parsed = parseBenchArgs(argv)
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`bench: ${e.message}\n`)
      return 2
    }
    throw e
  }
  if (parsed.help) {
    process.stdout.write(BENCH_HELP)
    return 0
  }
  if (!gc) process.stderr.write('bench: run with node --expose-gc for the memory figures (npm run bench does)\n')
  const result = runBench(parsed.options)
  process.stdout.write(parsed.json ? JSON.stringify(result, null, 2) + '\n' : markdown(result))
  if (!parsed.json && !parsed.noRender) process.stdout.write('\n' + renderBench())
  return 0
}

const entry = process.argv[1]
if (entry !== undefined && fileURLToPath(import.meta.url) === realpathSync(entry)) process.exitCode = main(process.argv.slice(2))
