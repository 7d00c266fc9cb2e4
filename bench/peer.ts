/**
 * `npm run bench:peer` — our engine side by side with Brian2 (cpp_standalone, one thread) on the
 * same networks, interleaved A/B in one job, plus this machine's limits.
 *
 *   npm run bench:peer -- [--runs N] [--bench B1,B2,B3] [--seed S] [--work DIR] [--out FILE]
 *                         [--duration S] [--no-install] [--no-profile]
 * (--duration overrides every benchmark's simulated time: for smoke tests, not for the record.)
 *
 * 1. Brian2 installed if missing (bench/brian.ts); memory-bandwidth and random-RMW probes
 *    (bench/probes.ts, own process).
 * 2. Each network generated once from our seeded RNG (bench/network.ts) and loaded by both sides.
 * 3. Brian2 projects built once (bench/peer/*.py); `./main` re-run without Python.
 * 4. Per benchmark: one warm-up run of each side (discarded), then N pairs: ours, Brian2, ours, …
 *    every run a fresh process. Then one profiling run of each side (not in the table's timings).
 *    Our runs use a copy of the sources taken when the job starts, so that edits made to the
 *    working tree while it runs cannot mix two versions of the engine into one table.
 * 5. Table printed and written to <out>.md and <out>.json (default: <work>/peer-results).
 * Methods and the recorded result: docs/benchmarks-peer.md.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureNetwork, readNetwork, type BenchName, type Network } from './network.ts'
import { buildPeer, ensureBrian, runPeer, type PeerRun } from './brian.ts'
import { firstDifference, type SpikeTrain } from './spikes.ts'
import type { OursResult } from './ours.ts'
import type { ProbeResult } from './probes.ts'
import { renderReport, type BenchReport, type Report } from './report.ts'
import { defaultParams, type Params } from '../src/engine/world.ts'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = join(HERE, '..')
/** Why our engine cannot run a benchmark yet (undefined: it can). */
function oursPending(bench: BenchName): string | undefined {
  if (bench === 'B3' && !Array.isArray((defaultParams() as Partial<Params>).stdpRules))
    return 'pending: the engine has no STDP system yet (plasticity issue)'
  return undefined
}

interface Options {
  runs: number
  benches: BenchName[]
  seed: string
  work: string
  out: string
  install: boolean
  profile: boolean
  duration_s?: number
}

function parseOptions(argv: string[]): Options {
  const o: Options = { runs: 5, benches: ['B1', 'B2', 'B3'], seed: 'bench-1', work: join(tmpdir(), 'neuroplast-bench-peer'), out: '', install: true, profile: true }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const val = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${a} needs a value`)
      return v
    }
    if (a === '--runs') {
      o.runs = Number(val())
      if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error(`--runs: a positive integer, got ${argv[i]}`)
    } else if (a === '--bench') {
      const names = val().split(',')
      for (const b of names) if (!['B1', 'B2', 'B3'].includes(b)) throw new Error(`--bench: unknown benchmark ${b} (B1, B2, B3)`)
      o.benches = names as BenchName[]
    } else if (a === '--seed') o.seed = val()
    else if (a === '--work') o.work = val()
    else if (a === '--out') o.out = val()
    else if (a === '--duration') {
      o.duration_s = Number(val())
      if (!(o.duration_s > 0)) throw new Error(`--duration: seconds > 0, got ${argv[i]}`)
    } else if (a === '--no-install') o.install = false
    else if (a === '--no-profile') o.profile = false
    else throw new Error(`unknown option ${a}`)
  }
  o.out ||= join(o.work, 'peer-results')
  return o
}

const log = (s: string): void => void process.stderr.write(`[bench:peer] ${s}\n`)

function lastJsonLine<T>(what: string, r: ReturnType<typeof spawnSync>): T {
  const out = String(r.stdout ?? '')
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${String(r.stderr ?? '').slice(-3000)}`)
  const line = out.trim().split('\n').pop() ?? ''
  try {
    return JSON.parse(line) as T
  } catch {
    throw new Error(`${what}: no JSON result on stdout:\n${out.slice(-1000)}\n${String(r.stderr ?? '').slice(-2000)}`)
  }
}

function node(args: string[]): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
}

/** Where our runs take the engine from: a snapshot of the sources (set by `main`). */
let oursRoot = ROOT
const SOURCE_DIRS = ['src', 'components', 'systems', 'scenes', 'bench']

function listFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) listFiles(p, out)
    else out.push(p)
  }
  return out
}

/** Copy the engine's sources into <work>/sources; returns a short hash identifying them. */
function snapshotSources(work: string): string {
  const dir = join(work, 'sources')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const hash = createHash('sha256')
  for (const d of SOURCE_DIRS) {
    cpSync(join(ROOT, d), join(dir, d), { recursive: true })
    for (const f of listFiles(join(dir, d))) hash.update(f.slice(dir.length)).update(readFileSync(f))
  }
  for (const f of ['package.json', 'tsconfig.json']) cpSync(join(ROOT, f), join(dir, f))
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  oursRoot = dir
  return hash.digest('hex').slice(0, 12)
}

function gitDescribe(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' })
  const dirty = spawnSync('git', ['status', '--porcelain', '--', ...SOURCE_DIRS], { cwd: ROOT, encoding: 'utf8' })
  if (head.status !== 0) return 'not a git checkout'
  return `${head.stdout.trim()}${dirty.stdout.trim() ? ' + uncommitted changes' : ''}`
}

function runOursChild(netDir: string, profile: boolean, spikesFile?: string): OursResult {
  const args = ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', join(oursRoot, 'bench', 'ours.ts'), netDir]
  if (profile) args.push('--profile')
  if (spikesFile) args.push('--spikes', spikesFile)
  const r = spawnSync(process.execPath, args, { cwd: oursRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  return lastJsonLine<OursResult>(`our engine on ${netDir}`, r)
}

function probes(): ProbeResult {
  return lastJsonLine<ProbeResult>('machine probes', node(['--import', 'tsx', join(HERE, 'probes.ts')]))
}

function gxxVersion(): string {
  const r = spawnSync('g++', ['--version'], { encoding: 'utf8' })
  return r.status === 0 ? r.stdout.split('\n')[0]! : 'g++ not found'
}

interface Prepared {
  bench: BenchName
  netDir: string
  net: Network
  project: string
  profileProject: string
  buildPeer_s: number
}

function prepare(o: Options, bench: BenchName, version: string): Prepared {
  const netDir = join(o.work, 'net', bench)
  ensureNetwork(netDir, bench, o.seed, o.duration_s)
  const net = readNetwork(netDir)
  const project = join(o.work, 'brian', bench)
  log(`${bench}: ${net.meta.n} neurons, ${net.meta.nSyn} synapses; building the Brian2 project …`)
  const buildPeer_s = buildPeer(bench, netDir, project, o.work, false, version)
  const profileProject = join(o.work, 'brian', `${bench}-profile`)
  if (o.profile) buildPeer(bench, netDir, profileProject, o.work, true, version)
  return { bench, netDir, net, project, profileProject, buildPeer_s }
}

function compareSpikes(file: string, peer: SpikeTrain, net: Network): NonNullable<BenchReport['spikeMatch']> {
  const buf = readFileSync(file)
  const all = new Int32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4)
  const count = all[0]!
  const ours = { ids: all.subarray(1, 1 + count), steps: all.subarray(1 + count, 1 + 2 * count) }
  const step = firstDifference(ours, peer, net.meta.n)
  return { oursSpikes: count, peerSpikes: peer.ids.length, firstDifference_s: step < 0 ? null : (step * net.meta.dt_ms) / 1000 }
}

function runBench(o: Options, p: Prepared): BenchReport {
  let pending = oursPending(p.bench)
  const ours: OursResult[] = []
  const peer: PeerRun[] = []
  // B1 has no randomness after the network is built: both sides should produce the same spikes.
  const compare = p.net.meta.coba !== undefined
  const spikesFile = join(o.work, `${p.bench}-ours-spikes.i32`)
  let spikeMatch: BenchReport['spikeMatch']
  for (let r = 0; r <= o.runs; r++) {
    const tag = r === 0 ? 'warm-up' : `run ${r}/${o.runs}`
    const keep = compare && r === 1
    if (!pending) {
      try {
        const a = runOursChild(p.netDir, false, keep ? spikesFile : undefined)
        log(`${p.bench} ${tag} ours:   ${(a.cpu_s / a.duration_s).toFixed(3)} s/s, ${a.stats.rate_Hz.toFixed(2)} Hz`)
        if (r > 0) ours.push(a)
      } catch (err) {
        // The engine is a moving target: report the failure in the table, keep the peer's numbers.
        pending = `error: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}`
        log(`${p.bench} ours failed: ${(err as Error).message}`)
        ours.length = 0
      }
    }
    const b = runPeer(p.project, p.net, keep)
    log(`${p.bench} ${tag} Brian2: ${(b.cpu_s / p.net.meta.duration_s).toFixed(3)} s/s, ${b.stats.rate_Hz.toFixed(2)} Hz`)
    if (keep && b.spikes && !pending) spikeMatch = compareSpikes(spikesFile, b.spikes, p.net)
    delete b.spikes
    if (r > 0) peer.push(b)
  }
  let oursProfile: OursResult | undefined
  let peerProfile: PeerRun | undefined
  if (o.profile) {
    log(`${p.bench} profiling runs …`)
    if (!pending) {
      try {
        oursProfile = runOursChild(p.netDir, true)
      } catch (err) {
        log(`${p.bench} our profiling run failed: ${(err as Error).message}`)
      }
    }
    peerProfile = runPeer(p.profileProject, p.net)
  }
  return { bench: p.bench, meta: p.net.meta, ours, peer, oursPending: pending, oursProfile, peerProfile, buildPeer_s: p.buildPeer_s, spikeMatch }
}

export function main(argv: string[]): void {
  const o = parseOptions(argv)
  mkdirSync(o.work, { recursive: true })
  const load0 = loadavg()
  const started = new Date()
  const version = ensureBrian(log, o.install)
  const sources = `${gitDescribe()}, sources ${snapshotSources(o.work)}`
  log(`Brian2 ${version}; work directory ${o.work}; engine ${sources}`)
  log('probing memory bandwidth and random read-modify-write …')
  const probe0 = probes()
  const prepared = o.benches.map((b) => prepare(o, b, version))
  const benches = prepared.map((p) => runBench(o, p))
  const probe1 = probes()
  const report: Report = {
    date: started.toISOString(),
    machine: {
      cpu: `${cpus()[0]?.model ?? '?'} × ${cpus().length}`,
      memory_GB: totalmem() / 2 ** 30,
      kernel: release(),
      node: process.version,
      brian2: version,
      compiler: gxxVersion(),
      loadavgStart: load0,
      loadavgEnd: loadavg(),
    },
    runs: o.runs,
    seed: o.seed,
    sources,
    probes: [probe0, probe1],
    benches,
  }
  const md = renderReport(report)
  process.stdout.write(md)
  mkdirSync(dirname(o.out), { recursive: true })
  writeFileSync(`${o.out}.md`, md)
  writeFileSync(`${o.out}.json`, JSON.stringify(report, null, 2) + '\n')
  log(`written ${o.out}.md and ${o.out}.json`)
}

if (process.argv[1]?.endsWith('bench/peer.ts')) {
  try {
    main(process.argv.slice(2))
  } catch (e) {
    process.stderr.write(`bench:peer: ${(e as Error).message}\n`)
    process.exitCode = 1
  }
}
