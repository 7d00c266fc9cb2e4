/**
 * `neuroplast run <scenario> --out DIR …`: run a scenario file headless and write its results.
 * `neuroplast check <scenario>`: validate a scenario file (and its scene) without running it.
 *
 * Exit codes: 0 every expectation holds · 1 an expectation fails · 2 bad input (scenario file,
 * flag, snapshot; the message names the file and the problem) · 3 internal error (a bug).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseScenario, ScenarioError } from '../scenario/parse.ts'
import { createRun, type Run, type Summary } from '../scenario/runner.ts'
import { resolveScenario } from '../scenario/resolve.ts'
import { probeCsv } from '../scenario/metrics.ts'
import { formatTime } from '../scenario/units.ts'
import type { Scenario } from '../scenario/types.ts'
import { save, SnapshotError } from '../engine/snapshot.ts'
import { SCENES } from '../../scenes/index.ts'
import { UsageError, intFlag, parseArgs, positiveFlag, stringFlag, type FlagSpec } from './args.ts'
import { fileSafe, isDirectory, notADirectory, writeAllOrNothing, type OutFile } from './output.ts'
import { createProgress } from './progress.ts'
import { buildReport } from './report.ts'

export interface Io {
  out: (s: string) => void
  err: (s: string) => void
}

export const RUN_HELP = `Usage: neuroplast run <scenario.yaml> --out DIR [options]

Run a scenario file headless: build its scene, place its electrodes, play its timeline, record
its probes, and check its expectations.

Options:
  --out DIR               write DIR/summary.json, one CSV per probe (DIR/<probe>.csv), a report
                          with plots (DIR/report.html) and the plots as SVG (DIR/figures/<probe>.svg)
  --seed N                world seed (default: the file's seed)
  --duration-ms T         end the run at T ms of scenario time (default: the file's duration)
  --save-snapshot FILE    save the world at the end of the run
  --from-snapshot FILE    resume from a snapshot saved by an earlier run of this scenario:
                          the clock continues where the snapshot was, actions that already ran
                          are not repeated, and the run ends at the scenario's duration
  --quiet                 print nothing on success except failures and warnings
  -h, --help              show this help

Exit status: 0 all expectations hold, 1 an expectation fails, 2 bad input (scenario file,
option, snapshot), 3 internal error.

Example:
  neuroplast run scenes/quickstart.yaml --out out/quickstart
`

export const CHECK_HELP = `Usage: neuroplast check <scenario.yaml>

Validate a scenario file against the format and its scene (builder, parameters, populations,
regions, pathways) without running it. Exit status 0 when valid, 2 when not.
`

const RUN_FLAGS: Record<string, FlagSpec> = {
  out: { value: true },
  seed: { value: true },
  'duration-ms': { value: true },
  'save-snapshot': { value: true },
  'from-snapshot': { value: true },
  quiet: {},
  help: {},
}

/** Bad input with a message for the user (exit code 2). */
/** A user's input (file, flag value, snapshot) is unusable: exit code 2, message without a stack. */
export class InputError extends Error {}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (e) {
    throw new InputError(`${file}: cannot read ${what}: ${reasonOf(e)}`)
  }
}

function readBytes(file: string, what: string): Uint8Array {
  try {
    const b = readFileSync(file)
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
  } catch (e) {
    throw new InputError(`${file}: cannot read ${what}: ${reasonOf(e)}`)
  }
}

function reasonOf(e: unknown): string {
  const code = (e as { code?: string }).code
  if (code === 'ENOENT') return 'no such file'
  if (code === 'EISDIR') return 'is a directory'
  if (code === 'EACCES') return 'permission denied'
  return (e as Error).message
}

function loadScenario(file: string): Scenario {
  return parseScenario(readText(file, 'the scenario'), file)
}

export async function runCommand(argv: readonly string[], io: Io): Promise<number> {
  return guard(io, async () => {
    const args = parseArgs(argv, RUN_FLAGS, 'run')
    if (args.flags.has('help')) {
      io.out(RUN_HELP)
      return 0
    }
    if (args.positionals.length !== 1)
      throw new UsageError(args.positionals.length === 0 ? 'missing the scenario file (see `neuroplast run --help`)' : `expected one scenario file, got ${args.positionals.length}: ${args.positionals.join(' ')}`)
    const file = args.positionals[0]!
    const out = stringFlag(args, 'out')
    if (out === undefined) throw new UsageError('missing --out DIR (where to write summary.json)')
    const seed = intFlag(args, 'seed')
    const duration_ms = positiveFlag(args, 'duration-ms')
    const fromFile = stringFlag(args, 'from-snapshot')
    const saveFile = stringFlag(args, 'save-snapshot')
    const quiet = args.flags.has('quiet')
    if (seed !== undefined && fromFile !== undefined) throw new UsageError('--seed cannot be combined with --from-snapshot (the snapshot carries its random state)')
    const outProblem = notADirectory(out)
    if (outProblem) throw new InputError(`${out}: cannot write results there: ${outProblem}`)
    if (saveFile !== undefined && isDirectory(saveFile)) throw new InputError(`${saveFile}: cannot save the snapshot there: is a directory`)

    const scenario = loadScenario(file)
    const snapshot = fromFile !== undefined ? readBytes(fromFile, 'the snapshot') : undefined
    let run: Run
    const b0 = performance.now()
    try {
      run = createRun(scenario, { scenes: SCENES, ...(seed !== undefined ? { seed } : {}), ...(duration_ms !== undefined ? { duration_ms } : {}), ...(snapshot ? { fromSnapshot: snapshot } : {}) })
    } catch (e) {
      if (e instanceof ScenarioError) throw e
      if (fromFile !== undefined && (e instanceof SnapshotError || !(e instanceof InputError)))
        throw new InputError(`${fromFile}: cannot resume from this snapshot: ${(e as Error).message}`)
      throw e
    }
    const build_ms = Math.round((performance.now() - b0) * 10) / 10
    for (const w of run.warnings) io.err(`warning: ${w}\n`)

    const t0 = performance.now()
    const progress = createProgress()
    const dt = run.sim.time.dt_ms
    let chunk = 100
    while (!run.done) {
      const c0 = performance.now()
      run.advance(chunk)
      const took = performance.now() - c0
      // Aim at ≈ 50 ms per chunk, so progress stays smooth whatever the world's size.
      chunk = Math.max(1, Math.min(1e6, Math.round(took > 0 ? (chunk * 50) / took : chunk * 2)))
      progress.update(run.stepsDone, run.totalSteps, run.stepsDone * dt, performance.now() - t0)
    }
    progress.end()
    const wall_ms = performance.now() - t0
    const summary = run.summary(Math.round(wall_ms * 10) / 10)

    const files: OutFile[] = []
    const used = new Set<string>()
    const csvs: Record<string, string> = {}
    const svgs: Record<string, string> = {}
    for (const r of run.recorders) {
      let stem = fileSafe(r.def.name)
      for (let k = 2; used.has(stem); k++) stem = `${fileSafe(r.def.name)}-${k}`
      used.add(stem)
      csvs[r.def.name] = `${stem}.csv`
      svgs[r.def.name] = `figures/${stem}.svg`
      files.push({ path: join(out, csvs[r.def.name]!), data: probeCsv(r) })
    }
    // A fork variant's records, from its fork on: DIR/<probe>@<variant>.csv.
    for (const v of run.variants ?? [])
      for (const r of v.recorders) {
        const key = `${r.def.name}@${v.name}`
        csvs[key] = `${csvs[r.def.name]!.replace(/\.csv$/, '')}@${fileSafe(v.name)}.csv`
        files.push({ path: join(out, csvs[key]!), data: probeCsv(r) })
      }
    const svgFile = (probe: string, variant?: string) => (variant === undefined ? svgs[probe]! : svgs[probe]!.replace(/\.svg$/, `.${fileSafe(variant)}.svg`))
    const { html, figures } = buildReport({ summary: { ...summary, build_ms }, scenario, recorders: run.recorders, variants: run.variants ?? [], csv: csvs, svgFile })
    const figureFiles: Record<string, string> = {}
    for (const f of figures) {
      figureFiles[f.variant === undefined ? f.probe : `${f.probe}@${f.variant}`] = f.file
      files.push({ path: join(out, f.file), data: f.svg })
    }
    // Worlds kept by `snapshot` actions: DIR/<name>.npls (`name@variant` in a fork variant).
    const kept: Record<string, string> = {}
    for (const k of run.snapshots ?? []) {
      let name = `${fileSafe(k.name)}.npls`
      for (let n = 2; Object.values(kept).includes(name); n++) name = `${fileSafe(k.name)}-${n}.npls`
      kept[k.name] = name
      files.push({ path: join(out, name), data: k.data })
    }
    const record = { ...summary, build_ms, files: { probes: csvs, figures: figureFiles, report: 'report.html', ...(Object.keys(kept).length ? { snapshots: kept } : {}) }, snapshot: { from: fromFile ?? null, saved: saveFile ?? null } }
    files.push({ path: join(out, 'report.html'), data: html })
    files.push({ path: join(out, 'summary.json'), data: JSON.stringify(record, null, 2) + '\n' })
    if (saveFile !== undefined) files.push({ path: saveFile, data: save(run.sim) })
    try {
      writeAllOrNothing(files)
    } catch (e) {
      throw new InputError(`cannot write the results (nothing was written): ${(e as { path?: string }).path ?? ''}: ${reasonOf(e)}`)
    }

    report(summary, out, quiet, io)
    for (const w of summary.warnings.filter((w) => !run.warnings.includes(w))) io.err(`warning: ${w}\n`)
    return summary.pass ? 0 : 1
  })
}

function report(s: Summary, out: string, quiet: boolean, io: Io): void {
  const lines: string[] = []
  if (!quiet) {
    lines.push(`${s.scenario}`)
    lines.push(`  ${s.scene}, seed ${s.seed}, dt ${s.dt_ms} ms: ${formatTime(s.simulated_ms)} simulated (${formatTime(s.start_ms)} → ${formatTime(s.end_ms)}) in ${formatTime(s.wall_ms, 3)}, state ${s.stateHash}`)
  }
  for (const x of s.expectations) {
    if (quiet && x.pass) continue
    const measured = x.measured === null ? 'not measured' : `${round(x.measured)}${x.unit && x.unit !== 'ratio' ? ` ${x.unit}` : ''}`
    lines.push(`  ${x.pass ? 'ok  ' : 'FAIL'} ${x.name}: ${measured} (expected ${x.expected})${x.note ? ` — ${x.note}` : ''}`)
  }
  if (!quiet) {
    const failed = s.expectations.filter((x) => !x.pass).length
    lines.push(`  ${s.expectations.length === 0 ? 'no expectations' : failed ? `${failed} of ${s.expectations.length} expectations failed` : `all ${s.expectations.length} expectations hold`}; results in ${join(out, 'summary.json')}, report in ${join(out, 'report.html')}`)
  }
  if (lines.length) io.out(lines.join('\n') + '\n')
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function round(x: number): string {
  return Math.abs(x) >= 1e5 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : String(Number(x.toPrecision(4)))
}

export async function checkCommand(argv: readonly string[], io: Io): Promise<number> {
  return guard(io, async () => {
    const args = parseArgs(argv, { help: {} }, 'check')
    if (args.flags.has('help')) {
      io.out(CHECK_HELP)
      return 0
    }
    if (args.positionals.length === 0) throw new UsageError('missing the scenario file (see `neuroplast check --help`)')
    for (const file of args.positionals) {
      const scenario = loadScenario(file)
      resolveScenario(scenario, SCENES)
      io.out(`${file}: ok (${scenario.scene.builder}, ${formatTime(scenario.duration_ms)}, ${plural(scenario.timeline.length, 'action')}, ${plural(scenario.probes.length, 'probe')}, ${plural(scenario.expect.length, 'expectation')})\n`)
    }
    return 0
  })
}

/** Bad input → message on stderr, exit 2 (no stack trace); anything else is a bug → exit 3. */
export async function guard(io: Io, body: () => Promise<number>): Promise<number> {
  try {
    return await body()
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`neuroplast: ${e.message}\n`)
      return 2
    }
    if (e instanceof ScenarioError || e instanceof InputError) {
      io.err(`${e.message}\n`)
      return 2
    }
    io.err(`neuroplast: internal error: ${(e as Error)?.stack ?? String(e)}\n`)
    return 3
  }
}
