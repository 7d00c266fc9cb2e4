/**
 * The side-by-side table of `npm run bench:peer` (markdown), from the raw runs.
 *
 * Per benchmark and simulator: CPU seconds per simulated second (median, min–max over the runs),
 * synaptic events per CPU second (recurrent spikes × out-degree; the external Poisson drive is not
 * counted), bytes per synapse (peak RSS growth from "network input loaded" to the end of the run),
 * mean rate and ISI CV; the correctness gate (ours within 15 % of Brian2's rate and CV) and the ratio
 * ours/Brian2 against the issue's target. Then the machine's limits and the delivery roofline, and
 * the profiles.
 */
import type { NetworkMeta, BenchName } from './network.ts'
import type { OursResult } from './ours.ts'
import type { PeerRun } from './brian.ts'
import type { ProbeResult } from './probes.ts'
import { median } from './spikes.ts'

export interface BenchReport {
  bench: BenchName
  meta: NetworkMeta
  ours: OursResult[]
  peer: PeerRun[]
  oursPending?: string
  oursProfile?: OursResult
  peerProfile?: PeerRun
  buildPeer_s: number
  /** B1: the first timed run of each side compared spike by spike (null: identical). */
  spikeMatch?: { oursSpikes: number; peerSpikes: number; firstDifference_s: number | null }
}

export interface Report {
  date: string
  machine: { cpu: string; memory_GB: number; kernel: string; node: string; brian2: string; compiler: string; loadavgStart: number[]; loadavgEnd: number[] }
  runs: number
  seed: string
  /** Which engine sources our runs used (git commit, hash of the snapshot). */
  sources: string
  probes: ProbeResult[]
  benches: BenchReport[]
}

export const TARGETS: Record<BenchName, number> = { B1: 1.0, B2: 1.0, B3: 0.5 }
export const GATE = 0.15
/** Bytes a static delivery must stream per event at least: target index (4 B) + weight (4 B). */
export const DELIVERY_BYTES = 8

const TITLES: Record<BenchName, string> = {
  B1: 'B1 COBA 4k',
  B2: 'B2 Brunel 10k static',
  B3: 'B3 Brunel 10k + STDP',
}

interface Summary {
  cpu: number
  cpuMin: number
  cpuMax: number
  eventsPerS: number
  bytesPerSyn: number
  rate: number
  cv: number
}

type Run = { cpu_s: number; stats: { events: number; rate_Hz: number; cv: number }; rssGrowth_B: number }

function summarise(runs: Run[], meta: NetworkMeta): Summary {
  const s = runs.map((r) => r.cpu_s / meta.duration_s)
  return {
    cpu: median(s),
    cpuMin: Math.min(...s),
    cpuMax: Math.max(...s),
    eventsPerS: median(runs.map((r) => r.stats.events / r.cpu_s)),
    bytesPerSyn: median(runs.map((r) => r.rssGrowth_B / meta.nSyn)),
    rate: median(runs.map((r) => r.stats.rate_Hz)),
    cv: median(runs.map((r) => r.stats.cv)),
  }
}

const f = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : '–')
const e = (x: number): string => (Number.isFinite(x) ? x.toExponential(2).replace('e+', '·10^') : '–')
const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '–')
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b)

export function gate(o: Summary, p: Summary): { pass: boolean; dRate: number; dCv: number } {
  const dRate = rel(o.rate, p.rate)
  const dCv = rel(o.cv, p.cv)
  return { pass: dRate <= GATE && dCv <= GATE, dRate, dCv }
}

/** Brian2 code objects that deliver presynaptic spikes (queue push + on_pre code). */
function peerDelivery_s(co: Record<string, number>): number {
  let s = 0
  for (const [k, v] of Object.entries(co)) if (/^synapses(_\d+)?_pre_(codeobject|push_spikes)/.test(k)) s += v
  return s
}

function tableRows(b: BenchReport): string[] {
  const p = summarise(b.peer, b.meta)
  const rows: string[] = []
  const peerCells = `${f(p.cpu)} (${f(p.cpuMin)}–${f(p.cpuMax)}) | ${e(p.eventsPerS)} | ${f(p.bytesPerSyn, 1)} | ${f(p.rate, 2)} | ${f(p.cv)}`
  if (b.oursPending || b.ours.length === 0) {
    rows.push(`| ${TITLES[b.bench]} | ours | ${b.oursPending ?? 'not run'} | | | | | | ≤ ${f(TARGETS[b.bench], 1)}: – |`)
    rows.push(`| | Brian2 | ${peerCells} | | |`)
    return rows
  }
  const o = summarise(b.ours, b.meta)
  const g = gate(o, p)
  const ratio = o.cpu / p.cpu
  const gateCell = `${g.pass ? 'pass' : 'FAIL'} (rate ${pct(g.dRate)}, CV ${pct(g.dCv)})`
  const ratioCell = `**${f(ratio, 2)}** (target ≤ ${f(TARGETS[b.bench], 1)}: ${ratio <= TARGETS[b.bench] ? 'met' : 'not met'})`
  rows.push(`| ${TITLES[b.bench]} | ours | ${f(o.cpu)} (${f(o.cpuMin)}–${f(o.cpuMax)}) | ${e(o.eventsPerS)} | ${f(o.bytesPerSyn, 1)} | ${f(o.rate, 2)} | ${f(o.cv)} | ${gateCell} | ${ratioCell} |`)
  rows.push(`| | Brian2 | ${peerCells} | | |`)
  return rows
}

function details(b: BenchReport, stream_Bps: number): string[] {
  const m = b.meta
  const out: string[] = [`### ${TITLES[b.bench]}`, '']
  out.push(`- network: ${m.n} neurons (${m.nE} E), ${m.nSyn} synapses (${m.nSynEE} E→E), dt ${m.dt_ms} ms, ${m.duration_s} s simulated per run, seed \`${m.seed}\``)
  out.push(`- Brian2 project build (Python + compile): ${b.buildPeer_s > 0 ? `${f(b.buildPeer_s, 1)} s` : 'reused from an earlier job'}`)
  if (b.ours.length > 0) {
    const o0 = b.ours[0]!
    const stores = Object.entries(o0.storeBytes ?? {}).map(([k, v]) => `${k} ${f(v / m.nSyn, 1)}`).join(', ')
    out.push(`- ours, building the world: ${f(median(b.ours.map((r) => r.build_cpu_s)), 2)} CPU s; heap + array buffers of the built world ${f(o0.heapDelta_B / m.nSyn, 1)} B/synapse (synapse stores ${f(o0.synapseStores_B / m.nSyn, 1)} B at capacity: ${stores}; adjacency ${f(o0.adjacency_B / m.nSyn, 1)} B); peak RSS ${f(o0.rssPeak_B / 2 ** 20, 0)} MB`)
  }
  const sm = b.spikeMatch
  if (sm)
    out.push(
      sm.firstDifference_s === null
        ? `- spike by spike: **identical** — both sides fired the same ${sm.oursSpikes} spikes (neuron and step) in ${m.duration_s} s`
        : `- spike by spike: ours ${sm.oursSpikes}, Brian2 ${sm.peerSpikes} spikes; the first difference is at t = ${f(sm.firstDifference_s * 1000, 1)} ms (chaos amplifies rounding differences from there on)`,
    )
  const wOurs = median(b.ours.flatMap((r) => (r.meanPlasticWeight === undefined ? [] : [r.meanPlasticWeight])))
  const wPeer = median(b.peer.flatMap((r) => (r.meanPlasticWeight === undefined ? [] : [r.meanPlasticWeight])))
  if (Number.isFinite(wOurs) || Number.isFinite(wPeer))
    out.push(`- mean E→E weight at the end (from ${m.brunel?.J_mV ?? '?'} mV): ours ${f(wOurs, 5)} mV, Brian2 ${f(wPeer, 5)} mV`)
  if (b.peer.length > 0) {
    const p0 = b.peer[0]!
    out.push(`- Brian2: RSS ${f(p0.rssBase_B / 2 ** 20, 0)} MB once its arrays are loaded, peak ${f(p0.rssPeak_B / 2 ** 20, 0)} MB`)
  }
  const roof = stream_Bps / DELIVERY_BYTES
  const op = b.oursProfile
  if (op?.systems) {
    const total = Object.values(op.systems).reduce((a, x) => a + x, 0)
    const parts = Object.entries(op.systems).map(([k, v]) => `${k} ${pct(v / total)}`).join(', ')
    out.push(`- ours, profile run (${f(op.cpu_s / m.duration_s)} s/s with timers): ${parts}`)
    const prop = op.systems['propagation']
    if (prop !== undefined && prop > 0) {
      const d = op.stats.events / (prop / 1000)
      out.push(`- ours, delivery (propagation system): ${e(d)} events/s = **${pct(d / roof)} of the bandwidth roofline** (${e(roof)} events/s at ${DELIVERY_BYTES} B/event; target ≥ 10 %)`)
    }
    if (op.hot) out.push(`- ours, hottest functions (self time): ${op.hot.slice(0, 6).map((h) => `${h.name} (${h.where}) ${pct(h.share)}`).join(', ')}`)
  }
  const pp = b.peerProfile
  if (pp?.codeObjects) {
    const total = Object.values(pp.codeObjects).reduce((a, x) => a + x, 0)
    const top = Object.entries(pp.codeObjects).sort((a, c) => c[1] - a[1]).slice(0, 6)
    out.push(`- Brian2, profile build: ${top.map(([k, v]) => `${k} ${pct(v / total)}`).join(', ')}`)
    const dl = peerDelivery_s(pp.codeObjects)
    if (dl > 0) {
      const d = pp.stats.events / dl
      out.push(`- Brian2, delivery (pre-synaptic push + on_pre): ${e(d)} events/s = ${pct(d / roof)} of the roofline`)
    }
  }
  out.push('')
  return out
}

export function renderReport(r: Report): string {
  const stream = Math.max(...r.probes.map((p) => p.stream_Bps))
  const rmwRate = Math.max(...r.probes.map((p) => p.rmw_per_s))
  const m = r.machine
  const lines = [
    `## Side by side with Brian2 — ${r.date}`,
    '',
    `Machine: ${m.cpu}, ${f(m.memory_GB, 1)} GB, Linux ${m.kernel}; Node ${m.node}; Brian2 ${m.brian2} cpp_standalone (one thread, float64, ${m.compiler}, -O3 -ffast-math -march=native). ` +
      `Load average at start ${m.loadavgStart.map((x) => x.toFixed(2)).join(' ')}, at end ${m.loadavgEnd.map((x) => x.toFixed(2)).join(' ')}. ` +
      `${r.runs} interleaved runs per side after one warm-up run each; seed \`${r.seed}\`; engine: ${r.sources}.`,
    '',
    '| benchmark | simulator | CPU s per simulated s: median (min–max) | syn. events/s | B/synapse (peak RSS growth) | rate (Hz) | ISI CV | gate (≤ 15 %) | ours/Brian2 |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.benches.flatMap(tableRows),
    '',
    `Machine limits (JavaScript, typed arrays, best of ${r.probes[0]?.reps ?? '?'}; probed before and after): streaming read ${r.probes.map((p) => f(p.stream_Bps / 1e9, 1)).join(' / ')} GB/s → ` +
      `static delivery roofline ${e(stream / DELIVERY_BYTES)} events/s at ${DELIVERY_BYTES} B/event; random read-modify-write ${r.probes.map((p) => e(p.rmw_per_s)).join(' / ')} updates/s ` +
      `(the bound of the STDP postsynaptic path: ${f(1e9 / rmwRate, 1)} ns per plastic synapse touched).`,
    '',
    ...r.benches.flatMap((b) => details(b, stream)),
  ]
  return lines.join('\n') + '\n'
}
