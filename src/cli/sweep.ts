/**
 * `neuroplast sweep <scenario> --param PATH=v1,v2,… [--param …] [--seeds 1..10] [--jobs N] [--out DIR]`:
 * run a scenario over the cross product of parameter values × seeds, in parallel worker threads, and
 * write one table with a row per run (the BehaviorSpace of Neuroplast).
 *
 * A parameter is any field of the scenario file, named by its path: `scene.params.wSchaffer`,
 * `duration`, `timeline[0].stimulate.protocol`, `electrodes.S1.radius_um`. Each value is YAML, as it
 * would be written in the file (`0.02`, `HFS`, `"{ kind: train, freq: 50 Hz, count: 20 }"`), and
 * values are separated by commas outside brackets and quotes. Each combination is the file with
 * those values written in, checked like any scenario before anything runs: a bad path or value is an
 * error naming the --param (exit code 2). Each run is exactly `neuroplast run` of that file with that
 * seed (same measured values, same state hash); DIR/scenarios/combo-<k>.yaml holds the files.
 *
 * Outputs (all or nothing): DIR/sweep.csv (a row per run: parameter values, seed, each expectation's
 * measured value and pass, pass, wall time, state hash, error), DIR/sweep.json (the same, plus the
 * sweep's settings), DIR/scenarios/combo-<k>.yaml.
 *
 * Exit codes: 0 every run ran and every expectation held · 1 a run failed an expectation or threw
 * (its row says which) · 2 bad input · 3 internal error.
 */
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { parseDocument } from 'yaml'
import { parseScenario, ScenarioError } from '../scenario/parse.ts'
import { resolveScenario } from '../scenario/resolve.ts'
import { formatTime } from '../scenario/units.ts'
import type { Summary } from '../scenario/runner.ts'
import { SCENES } from '../../scenes/index.ts'
import { UsageError, parseArgs, positiveFlag, stringFlag, type FlagSpec } from './args.ts'
import { notADirectory, writeAllOrNothing, type OutFile } from './output.ts'
import { guard, InputError, type Io } from './run.ts'
import type { SweepJob, SweepMessage } from './sweepWorker.ts'
import { checkPath, combinations, extractParams, MAX_RUNS, parseParam, parseSeeds, withValues, type Param } from './sweepParams.ts'

export * from './sweepParams.ts'

export const SWEEP_HELP = `Usage: neuroplast sweep <scenario.yaml> --param PATH=V1,V2,… [--param …] [options]

Run a scenario over every combination of parameter values and seeds, in parallel, and write one
table with a row per run: the parameter values, the seed, each expectation's measured value and
pass/fail, the wall-clock time and the state hash.

Options:
  --param PATH=V1,V2,…    a field of the scenario file and the values to give it (repeat for
                          more parameters; the runs are the cross product). PATH as in error
                          messages: scene.params.wSchaffer, duration, electrodes.S1.radius_um,
                          timeline[0].stimulate.protocol. Values are YAML as written in the file,
                          separated by commas (quote a value that holds commas, or write it in
                          brackets: "{ kind: train, freq: 50 Hz, count: 20 }")
  --seeds LIST            seeds to run each combination with: 1..10, 1,2,5 or 1..3,7
                          (default: the file's seed)
  --jobs N                worker threads (default: the number of CPU cores)
  --out DIR               where to write sweep.csv, sweep.json and scenarios/ (default: out/sweep)
  --duration-ms T         end every run at T ms of scenario time
  --quiet                 no progress output
  -h, --help              show this help

Exit status: 0 every run ran and every expectation held, 1 a run failed an expectation or threw
(see its row), 2 bad input (file, --param, option), 3 internal error.

Example:
  neuroplast sweep scenes/quickstart.yaml --param scene.params.wSchaffer=0.01,0.02,0.04 \\
    --param timeline[0].stimulate.protocol=HFS,TBS --seeds 1..5 --jobs 2 --out out/sweep
`

const FLAGS: Record<string, FlagSpec> = {
  seeds: { value: true },
  jobs: { value: true },
  out: { value: true },
  'duration-ms': { value: true },
  quiet: {},
  help: {},
}

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

export interface RunRow {
  run: number
  combo: number
  params: Record<string, string>
  seed: number | string | null
  summary?: Summary
  error?: string
}

/** URL of tsx's ESM registration API (workers do not inherit the main thread's loader). */
function tsxApi(): string {
  try {
    const r = (import.meta as { resolve?: (s: string) => string }).resolve
    if (typeof r === 'function') return r('tsx/esm/api')
  } catch {
    // fall through
  }
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href
}

function startWorker(): Worker {
  const worker = new URL('./sweepWorker.ts', import.meta.url).href
  const boot = `import(${JSON.stringify(tsxApi())}).then((m) => { m.register(); return import(${JSON.stringify(worker)}) })`
  return new Worker(boot, { eval: true, execArgv: [] })
}

export interface Reporter {
  /** Runs finished (ok or not), runs total, steps fraction of the runs in flight, wall time. */
  update(done: number, total: number, inFlight: number, wall_ms: number): void
  finished(row: RunRow, done: number, total: number): void
  end(): void
}

/** Run the jobs on `jobs` worker threads; rows come back in job order. */
export async function runPool(jobs: SweepJob[], meta: Omit<RunRow, 'summary' | 'error'>[], threads: number, reporter: Reporter): Promise<RunRow[]> {
  const rows: RunRow[] = new Array(jobs.length)
  const fraction = new Map<number, number>()
  const t0 = performance.now()
  let next = 0
  let done = 0
  const tick = () => reporter.update(done, jobs.length, [...fraction.values()].reduce((a, b) => a + b, 0), performance.now() - t0)
  await new Promise<void>((resolve, reject) => {
    const workers: Worker[] = []
    let failed = false
    const fail = (e: unknown) => {
      if (failed) return
      failed = true
      for (const w of workers) void w.terminate()
      reject(e instanceof Error ? e : new Error(String(e)))
    }
    const feed = (w: Worker) => {
      if (next < jobs.length) {
        const job = jobs[next++]!
        fraction.set(job.id, 0)
        w.postMessage(job)
      } else w.postMessage(null)
    }
    let live = Math.max(1, Math.min(threads, jobs.length))
    for (let k = 0; k < live; k++) {
      const w = startWorker()
      workers.push(w)
      w.on('message', (m: SweepMessage) => {
        if (m.type === 'progress') {
          fraction.set(m.id, m.total > 0 ? m.done / m.total : 0)
          tick()
          return
        }
        fraction.delete(m.id)
        const row: RunRow = { ...meta[m.id]!, ...(m.type === 'done' ? { summary: m.summary, seed: m.summary.seed } : { error: m.message }) }
        rows[m.id] = row
        done++
        reporter.finished(row, done, jobs.length)
        tick()
        feed(w)
      })
      w.on('error', fail)
      w.on('exit', (code) => {
        if (failed) return
        if (code !== 0) return fail(new Error(`a sweep worker exited with code ${code}`))
        if (--live === 0) {
          if (done < jobs.length) fail(new Error(`the sweep workers stopped after ${done} of ${jobs.length} runs`))
          else resolve()
        }
      })
      feed(w)
    }
  })
  reporter.end()
  return rows
}

function progressReporter(io: Io, quiet: boolean, params: Param[], stream: NodeJS.WriteStream = process.stderr): Reporter {
  const none: Reporter = { update() {}, finished() {}, end() {} }
  if (quiet) return none
  if (stream.isTTY) {
    let last = -Infinity
    let drawn = false
    return {
      update(done, total, inFlight, wall_ms) {
        if (wall_ms - last < 250 && done < total) return
        last = wall_ms
        const f = total > 0 ? Math.min(1, (done + inFlight) / total) : 1
        const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 50))
        const full = Math.round(f * width)
        const eta = f > 0 && f < 1 ? `, ${formatTime((wall_ms * (1 - f)) / f, 2)} left` : ''
        stream.write(`\r[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(f * 100).toFixed(0).padStart(3)}%  ${done}/${total} runs${eta}\x1b[K`)
        drawn = true
      },
      finished(row) {
        if (row.error === undefined) return
        stream.write(`\r\x1b[Krun ${row.run} (${describeRow(row, params)}) failed: ${row.error.split('\n')[0]}\n`)
      },
      end() {
        if (drawn) stream.write('\r\x1b[K')
      },
    }
  }
  // Not a terminal: one plain line per finished run.
  return {
    update() {},
    finished(row, done, total) {
      const result = row.error !== undefined ? `error: ${row.error.split('\n')[0]}` : expectationsLine(row.summary!)
      io.err(`sweep: ${done}/${total} runs done; run ${row.run} (${describeRow(row, params)}): ${result}\n`)
    },
    end() {},
  }
}

function describeRow(row: RunRow, params: Param[]): string {
  return [...params.map((p) => `${p.path}=${row.params[p.path]}`), `seed ${row.seed}`].join(', ')
}

function expectationsLine(s: Summary): string {
  const n = s.expectations.length
  const failed = s.expectations.filter((x) => !x.pass).length
  const what = n === 0 ? 'no expectations' : failed ? `${failed} of ${n} expectations FAIL` : `all ${n} expectations hold`
  return `${what} (${formatTime(s.wall_ms, 3)})`
}

// ---------------------------------------------------------------------------------------------
// Table
// ---------------------------------------------------------------------------------------------

export function csvField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return ''
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v)
  return /[",\n\r]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The sweep table: a header line, then one line per run. */
export function sweepCsv(rows: RunRow[], params: Param[], expectNames: string[]): string {
  const units = expectNames.map((name) => {
    for (const r of rows) {
      const x = r.summary?.expectations.find((e) => e.name === name)
      if (x) return x.unit
    }
    return ''
  })
  const header = [
    'run',
    ...params.map((p) => p.path),
    'seed',
    ...expectNames.flatMap((n, i) => [units[i] ? `${n} (${units[i]})` : n, `${n}: pass`]),
    'pass',
    'simulated_ms',
    'wall_ms',
    'stateHash',
    'error',
  ]
  const lines = [header.map(csvField).join(',')]
  for (const r of rows) {
    const s = r.summary
    const cells: (string | number | boolean | null | undefined)[] = [
      r.run,
      ...params.map((p) => r.params[p.path]),
      r.seed,
      ...expectNames.flatMap((n) => {
        const x = s?.expectations.find((e) => e.name === n)
        return [x?.measured ?? null, x ? x.pass : null]
      }),
      s ? s.pass : false,
      s?.simulated_ms,
      s?.wall_ms,
      s?.stateHash,
      r.error ?? '',
    ]
    lines.push(cells.map(csvField).join(','))
  }
  return lines.join('\n') + '\n'
}

// ---------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------

function jobsFlag(v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 256) throw new UsageError(`--jobs must be a whole number from 1 to 256, got "${v}"`)
  return Number(v)
}

export async function sweepCommand(argv: readonly string[], io: Io): Promise<number> {
  return guard(io, async () => {
    const { params: paramTexts, rest } = extractParams(argv)
    const args = parseArgs(rest, FLAGS, 'sweep')
    if (args.flags.has('help')) {
      io.out(SWEEP_HELP)
      return 0
    }
    if (args.positionals.length !== 1)
      throw new UsageError(args.positionals.length === 0 ? 'missing the scenario file (see `neuroplast sweep --help`)' : `expected one scenario file, got ${args.positionals.length}: ${args.positionals.join(' ')}`)
    const file = args.positionals[0]!
    const params = paramTexts.map(parseParam)
    for (let i = 0; i < params.length; i++)
      for (let j = 0; j < params.length; j++) {
        if (i === j) continue
        const a = params[i]!
        const b = params[j]!
        if (i < j && a.path === b.path) throw new UsageError(`--param ${a.path} is given twice (list all its values in one --param: ${a.path}=V1,V2,…)`)
        if (b.path.startsWith(a.path) && /^[.[]/.test(b.path.slice(a.path.length)))
          throw new UsageError(`--param ${b.path} is inside --param ${a.path}: sweep one or the other`)
      }
    const seedsText = stringFlag(args, 'seeds')
    const seeds = seedsText === undefined ? undefined : parseSeeds(seedsText)
    if (seeds && params.some((p) => p.path === 'seed')) throw new UsageError('--param seed and --seeds both give the seeds: use one of them')
    const threads = jobsFlag(stringFlag(args, 'jobs'))
    const out = stringFlag(args, 'out') ?? join('out', 'sweep')
    const duration_ms = positiveFlag(args, 'duration-ms')
    const quiet = args.flags.has('quiet')
    const outProblem = notADirectory(out)
    if (outProblem) throw new InputError(`${out}: cannot write results there: ${outProblem}`)

    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (e) {
      const code = (e as { code?: string }).code
      throw new InputError(`${file}: cannot read the scenario: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`)
    }
    // The file itself must be a valid scenario (errors located in it), then each combination.
    const base = parseScenario(text, file)
    const doc = parseDocument(text)
    for (const p of params) checkPath(doc, p)
    const combos = combinations(params)
    const runs = combos.length * (seeds?.length ?? 1)
    if (runs > MAX_RUNS) throw new UsageError(`the sweep has ${runs} runs, more than ${MAX_RUNS}`)
    const fileSeeds: number[] = []
    const texts = combos.map((c) => {
      const assignments = c.map((vi, pi) => ({ param: params[pi]!, value: params[pi]!.values[vi], label: params[pi]!.labels[vi]! }))
      const variant = params.length ? withValues(text, assignments) : text
      try {
        const sc = parseScenario(variant, file)
        resolveScenario(sc, SCENES)
        fileSeeds.push(sc.seed)
      } catch (e) {
        if (!(e instanceof ScenarioError)) throw e
        const which = assignments.map((a) => `${a.param.path}=${a.label}`).join(' ')
        const problems = e.issues.map((i) => (i.path ? `${i.path}: ${i.reason}` : i.reason))
        // Blame the --param whose field the problem is in, when there is one.
        const blamed = assignments.find((a) => e.issues.some((i) => i.path === a.param.path || i.path.startsWith(`${a.param.path}.`) || i.path.startsWith(`${a.param.path}[`)))
        const flag = blamed ? `--param ${blamed.param.path}=${blamed.label}` : `--param ${which}`
        throw new InputError(`${file}: ${flag}: the scenario with ${which || 'these values'} is not valid:\n  ${problems.join('\n  ')}`)
      }
      return variant
    })

    const seedList: (number | undefined)[] = seeds ?? [undefined]
    const jobs: SweepJob[] = []
    const meta: Omit<RunRow, 'summary' | 'error'>[] = []
    combos.forEach((c, ci) => {
      for (const seed of seedList) {
        const id = jobs.length
        // Named as the file written to DIR/scenarios/, so a run's error points at the text it ran.
        const variantFile = params.length ? join(out, 'scenarios', `combo-${ci + 1}.yaml`) : file
        jobs.push({ id, text: texts[ci]!, file: variantFile, ...(seed !== undefined ? { seed } : {}), ...(duration_ms !== undefined ? { duration_ms } : {}) })
        meta.push({ run: id + 1, combo: ci + 1, params: Object.fromEntries(params.map((p, pi) => [p.path, p.labels[c[pi]!]!])), seed: seed ?? fileSeeds[ci]! })
      }
    })
    const nThreads = Math.min(threads ?? availableParallelism(), jobs.length)
    if (!quiet)
      io.err(`sweep: ${base.name}: ${combos.length} combination${combos.length === 1 ? '' : 's'} × ${seedList.length} seed${seedList.length === 1 ? '' : 's'} = ${jobs.length} run${jobs.length === 1 ? '' : 's'} on ${nThreads} worker thread${nThreads === 1 ? '' : 's'}\n`)
    const t0 = performance.now()
    const rows = await runPool(jobs, meta, nThreads, progressReporter(io, quiet, params))
    const wall_ms = Math.round(performance.now() - t0)

    const expectNames = base.expect.map((x) => x.name)
    const files: OutFile[] = []
    files.push({ path: join(out, 'sweep.csv'), data: sweepCsv(rows, params, expectNames) })
    texts.forEach((t, ci) => files.push({ path: join(out, 'scenarios', `combo-${ci + 1}.yaml`), data: t }))
    const record = {
      scenario: base.name,
      file,
      params: params.map((p) => ({ path: p.path, values: p.labels })),
      seeds: seeds ?? null,
      jobs: nThreads,
      runs: rows.length,
      failedRuns: rows.filter((r) => r.error !== undefined).length,
      pass: rows.every((r) => r.summary?.pass === true),
      wall_ms,
      files: { table: 'sweep.csv', scenarios: texts.map((_, ci) => `scenarios/combo-${ci + 1}.yaml`) },
      rows: rows.map((r) => ({
        run: r.run,
        combo: r.combo,
        scenarioFile: `scenarios/combo-${r.combo}.yaml`,
        params: r.params,
        seed: r.seed,
        ...(r.summary
          ? {
              pass: r.summary.pass,
              expectations: r.summary.expectations.map((x) => ({ name: x.name, measured: x.measured, unit: x.unit, pass: x.pass, ...(x.note ? { note: x.note } : {}) })),
              simulated_ms: r.summary.simulated_ms,
              wall_ms: r.summary.wall_ms,
              stateHash: r.summary.stateHash,
              warnings: r.summary.warnings,
            }
          : { pass: false, error: r.error }),
      })),
    }
    files.push({ path: join(out, 'sweep.json'), data: JSON.stringify(record, null, 2) + '\n' })
    try {
      writeAllOrNothing(files)
    } catch (e) {
      throw new InputError(`cannot write the results (nothing was written): ${(e as { path?: string }).path ?? ''}: ${(e as Error).message}`)
    }
    const errors = record.failedRuns
    const failing = rows.filter((r) => r.summary && !r.summary.pass).length
    io.out(
      `${base.name}: ${rows.length} run${rows.length === 1 ? '' : 's'} in ${formatTime(wall_ms, 3)} on ${nThreads} thread${nThreads === 1 ? '' : 's'}: ` +
        `${rows.length - errors - failing} pass${failing ? `, ${failing} fail an expectation` : ''}${errors ? `, ${errors} threw an error` : ''}; table in ${join(out, 'sweep.csv')}\n`,
    )
    return record.pass ? 0 : 1
  })
}
