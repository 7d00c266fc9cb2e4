/**
 * The peer: Brian2 (Debian's python3-brian) in cpp_standalone mode.
 *
 * - `ensureBrian` installs it when `/usr/bin/python3 -c 'import brian2'` fails
 *   (`apt-get install -y --no-install-recommends python3-brian`, after `apt-get update` if needed;
 *   also g++ and make if missing, which standalone mode needs and the package only suggests).
 *   Another python on the PATH may not see Debian's packages, so /usr/bin/python3 is used throughout.
 * - `buildPeer` runs bench/peer/<script>.py once to generate and compile the standalone project
 *   (reused when script, network and Brian2 version are unchanged).
 * - `runPeer` re-runs the compiled `./main` without Python and reads what it left: the CPU time of
 *   the network run (results/last_run_info.txt, std::clock()), the memory lines our inserted code
 *   printed, the SpikeMonitor's arrays and, in a profiling build, results/profiling_info.txt.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchName, Network } from './network.ts'
import { spikeStats, type SpikeStats, type SpikeTrain } from './spikes.ts'

export const PYTHON = '/usr/bin/python3'
const PEER_DIR = join(dirname(fileURLToPath(import.meta.url)), 'peer')
export const SCRIPTS: Record<BenchName, string> = { B1: 'b1_coba.py', B2: 'b2_brunel.py', B3: 'b3_brunel_stdp.py' }

export interface PeerRun {
  cpu_s: number
  wall_s: number
  stats: SpikeStats
  /** VmRSS once the arrays are loaded (before any synapse exists) and VmHWM at the end, bytes. */
  rssBase_B: number
  rssPeak_B: number
  rssGrowth_B: number
  /** Profiling build: seconds per code object. */
  codeObjects?: Record<string, number>
  /** B3: mean weight of the plastic synapses at the end, in the model's unit (volt → mV here). */
  meanPlasticWeight?: number
  /** The spikes themselves (only when asked for: `keepSpikes`). */
  spikes?: SpikeTrain
}

function sh(cmd: string, args: string[], env?: NodeJS.ProcessEnv, cwd?: string) {
  return spawnSync(cmd, args, { encoding: 'utf8', env: env ?? process.env, cwd, maxBuffer: 64 * 1024 * 1024 })
}

export function brianVersion(): string | null {
  if (!existsSync(PYTHON)) return null
  const r = sh(PYTHON, ['-W', 'ignore', '-c', 'import brian2; print(brian2.__version__)'], { ...process.env, PYTHONWARNINGS: 'ignore' })
  return r.status === 0 ? r.stdout.trim().split('\n').pop()! : null
}

function have(cmd: string): boolean {
  return sh('sh', ['-c', `command -v ${cmd}`]).status === 0
}

/**
 * Make sure Brian2 can be imported by /usr/bin/python3 and that its standalone mode can compile
 * (g++ and make: Debian's python3-brian only suggests g++); install what is missing with apt-get.
 */
export function ensureBrian(log: (s: string) => void, install = true): string {
  let v = brianVersion()
  const missing = [...(v ? [] : ['python3-brian']), ...(have('g++') ? [] : ['g++']), ...(have('make') ? [] : ['make'])]
  if (missing.length === 0) return v!
  if (!install) throw new Error(`missing for the Brian2 peer: ${missing.join(', ')} (and --no-install was given)`)
  const apt = existsSync('/usr/bin/apt-get') ? '/usr/bin/apt-get' : null
  if (!apt) throw new Error(`missing for the Brian2 peer: ${missing.join(', ')}, and there is no apt-get here: install Brian2 2.5 for ${PYTHON}, g++ and make by hand`)
  const root = process.getuid?.() === 0
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const run = (args: string[]) => (root ? sh(apt, args, env) : sh('sudo', ['-n', apt, ...args], env))
  const installArgs = ['install', '-y', '--no-install-recommends', ...missing]
  log(`installing ${missing.join(', ')}: apt-get ${installArgs.join(' ')} …`)
  let r = run(installArgs)
  if (r.status !== 0) {
    log('apt-get install failed; running apt-get update and retrying …')
    run(['update'])
    r = run(installArgs)
  }
  v = brianVersion()
  if (!v || !have('g++') || !have('make'))
    throw new Error(`could not install ${missing.join(', ')} (apt-get exit ${r.status}${root ? '' : '; not root, tried sudo -n'}):\n${(r.stderr || r.stdout).slice(-2000)}`)
  return v
}

function pythonEnv(work: string): NodeJS.ProcessEnv {
  const mpl = join(work, 'mplconfig')
  mkdirSync(mpl, { recursive: true })
  // No __pycache__ next to the scripts in the repository.
  return { ...process.env, MPLCONFIGDIR: mpl, PYTHONWARNINGS: 'ignore', PYTHONDONTWRITEBYTECODE: '1' }
}

/** Build (or reuse) the standalone project of `bench` for the network in `netDir`. Returns build seconds (0 if reused). */
export function buildPeer(bench: BenchName, netDir: string, project: string, work: string, profile: boolean, version: string): number {
  const script = join(PEER_DIR, SCRIPTS[bench])
  const key = createHash('sha256')
    .update(readFileSync(script))
    .update(readFileSync(join(PEER_DIR, 'common.py')))
    .update(readFileSync(join(netDir, 'meta.json')))
    .update(`${profile}|${version}`)
    .digest('hex')
  const keyFile = join(project, 'bench.key')
  if (existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key && existsSync(join(project, 'main')) && existsSync(join(project, 'bench.json'))) return 0
  rmSync(project, { recursive: true, force: true })
  const t0 = performance.now()
  const args = [script, netDir, project, ...(profile ? ['--profile'] : [])]
  const r = sh(PYTHON, args, pythonEnv(work))
  if (r.status !== 0 || !existsSync(join(project, 'main'))) {
    throw new Error(`Brian2 build of ${bench} failed (${PYTHON} ${args.join(' ')}):\n${(r.stderr || r.stdout).slice(-4000)}`)
  }
  writeFileSync(keyFile, key)
  return (performance.now() - t0) / 1000
}

interface BenchJson {
  spikes_i: string
  spikes_t: string
  spikes_i_dtype: string
  spikes_t_dtype: string
  n_syn: number
  plastic_w?: string
  plastic_w_dtype?: string
}

function memLine(out: string, slot: string, field: string): number {
  const m = new RegExp(`BENCH_MEM ${slot} ${field}:\\s*(\\d+) kB`).exec(out)
  if (!m) throw new Error(`Brian2 ./main printed no ${field} for ${slot}`)
  return Number(m[1]) * 1024
}

function readArray(file: string, dtype: string): Float64Array | Int32Array {
  const buf = readFileSync(file)
  const copy = new Uint8Array(buf.byteLength)
  copy.set(buf)
  if (dtype === '<i4') return new Int32Array(copy.buffer)
  if (dtype === '<f8') return new Float64Array(copy.buffer)
  throw new Error(`${file}: unexpected dtype ${dtype}`)
}

export function runPeer(project: string, net: Network, keepSpikes = false): PeerRun {
  const info = JSON.parse(readFileSync(join(project, 'bench.json'), 'utf8')) as BenchJson
  if (info.n_syn !== net.meta.nSyn) throw new Error(`${project}: built for ${info.n_syn} synapses, network has ${net.meta.nSyn}`)
  const t0 = performance.now()
  const r = sh('./main', [], undefined, project)
  const wall = (performance.now() - t0) / 1000
  if (r.status !== 0) throw new Error(`Brian2 ./main in ${project} failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`)
  const [runTime, fraction] = readFileSync(join(project, 'results', 'last_run_info.txt'), 'utf8').trim().split(/\s+/).map(Number)
  if (fraction !== 1) throw new Error(`${project}: run completed only ${fraction}`)
  const ids = readArray(join(project, info.spikes_i), info.spikes_i_dtype)
  const t = readArray(join(project, info.spikes_t), info.spikes_t_dtype)
  const stats = spikeStats(net.meta.n, net.meta.duration_s, ids, t, 1, net.rowStart)
  const rssBase = memLine(r.stdout, 'after_start', 'VmRSS')
  const rssPeak = memLine(r.stdout, 'before_end', 'VmHWM')
  let codeObjects: Record<string, number> | undefined
  const prof = join(project, 'results', 'profiling_info.txt')
  if (existsSync(prof)) {
    codeObjects = {}
    for (const line of readFileSync(prof, 'utf8').split('\n')) {
      const [k, v] = line.trim().split(/\s+/)
      if (k && v) codeObjects[k] = Number(v)
    }
  }
  let meanPlasticWeight: number | undefined
  if (info.plastic_w) {
    const w = readArray(join(project, info.plastic_w), info.plastic_w_dtype ?? '<f8')
    let sum = 0
    for (let k = 0; k < w.length; k++) sum += w[k]!
    meanPlasticWeight = (sum / w.length) * 1000 // volt → mV
  }
  const spikes = keepSpikes ? { ids, steps: Int32Array.from(t, (x) => Math.round(x / (net.meta.dt_ms / 1000))) } : undefined
  return { cpu_s: runTime!, wall_s: wall, stats, rssBase_B: rssBase, rssPeak_B: rssPeak, rssGrowth_B: rssPeak - rssBase, codeObjects, meanPlasticWeight, spikes }
}
