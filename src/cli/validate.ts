/**
 * `neuroplast validate [--full] [--only NAME…] [--out DIR]`: run the validation scenarios
 * (scenes/validation/*.yaml, one file per VALIDATION.md item, named `item<N>-<topic>.yaml`), print a
 * table (item, metric, expected, measured, pass), write DIR/validation-report.json, DIR/validation.md
 * and figures, and exit 1 when a check fails.
 *
 * Tiers: quick (default; inside `npm test`) runs each scenario once with its file's seed, leaving
 * out publication-scale files marked `tier: full` unless --only names them; --full runs all, each
 * with 5 seeds (the file's seed and the next four) and judges the median of each measured value
 * (VALIDATION.md: stochastic items run ≥ 5 seeds). Deterministic scenarios give 5 equal values.
 * Each file's comments justify its tolerances for either tier.
 *
 * Figures: a scenario with at least two expectations whose names carry "Δt = <number> ms" gets a
 * curve of their measured (and expected) values against Δt, written as SVG (the STDP window, item 3);
 * one whose names start with "f = <number> Hz" a frequency-response curve (item 5, src/cli/figures.ts).
 *
 * Exit codes: 0 every check passes · 1 a check fails · 2 bad input (option, scenario file) ·
 * 3 internal error.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { parseScenario } from '../scenario/parse.ts'
import { createRun } from '../scenario/runner.ts'
import { describeRange } from '../scenario/metrics.ts'
import type { Scenario } from '../scenario/types.ts'
import { SCENES } from '../../scenes/index.ts'
import { UsageError, parseArgs, stringFlag, type FlagSpec } from './args.ts'
import { notADirectory, writeAllOrNothing, type OutFile } from './output.ts'
import { guard, InputError, type Io } from './run.ts'
import { frequencyCurve, frequencySvg } from './figures.ts'
import { writeMerged } from './validateMerge.ts'

export const VALIDATE_HELP = `Usage: neuroplast validate [--full] [--only NAME…] [--out DIR]

Run the validation scenarios (scenes/validation/*.yaml, one per VALIDATION.md item), print a table
of item, metric, expected, measured and pass, and write DIR/validation-report.json, DIR/validation.md
and figures (DIR/validation-*.svg).

Options:
  --full                  publication tier: 5 seeds per scenario, the median of each value is judged
                          (default: quick tier, one seed, as run by \`npm test\`)
  --only NAME…            only these scenarios: item number (3), file name (item3-stdp-window) or
                          its prefix (item3); several as --only 3 4 or --only 3,4
  --out DIR               where to write the report (default: out/validation)
  --dir DIR               read the scenarios from DIR (default: scenes/validation)
  --merge DIR,DIR…        instead of running: join the reports of earlier runs of one tier
                          (e.g. long items run in separate processes) into one report in --out
  -h, --help              show this help

Exit status: 0 every check passes, 1 a check fails, 2 bad input, 3 internal error.
`

const FLAGS: Record<string, FlagSpec> = { full: {}, only: { value: true }, out: { value: true }, dir: { value: true }, merge: { value: true }, help: {} }

export const VALIDATION_DIR = fileURLToPath(new URL('../../scenes/validation/', import.meta.url))
export const FULL_SEEDS = 5

export interface CheckRow {
  item: string
  scenario: string
  file: string
  name: string
  metric: string
  expected: string
  range: [number | null, number | null]
  unit: string
  /** Median over seeds (the value itself with one seed); null when not measured. */
  measured: number | null
  perSeed: (number | null)[]
  pass: boolean
  note?: string
}

export interface ScenarioRecord {
  item: string
  scenario: string
  file: string
  seeds: number[]
  stateHashes: string[]
  simulated_ms: number
  wall_ms: number
  warnings: string[]
}

export interface ValidationReport {
  tier: 'quick' | 'full'
  pass: boolean
  checks: CheckRow[]
  scenarios: ScenarioRecord[]
  figures: string[]
  /** Scenarios of the full tier left out of a quick run. */
  skipped: string[]
  wall_ms: number
}

/** Validation scenario files, sorted by item number then name. */
export function validationFiles(dir = VALIDATION_DIR): string[] {
  let names: string[]
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.yaml'))
  } catch (e) {
    throw new InputError(`${dir}: cannot list the validation scenarios: ${(e as { code?: string }).code === 'ENOENT' ? 'no such directory' : (e as Error).message}`)
  }
  if (names.length === 0) throw new InputError(`${dir}: no validation scenarios (*.yaml) there`)
  return names.sort((a, b) => itemOf(a).localeCompare(itemOf(b), 'en', { numeric: true }) || a.localeCompare(b)).map((f) => join(dir, f))
}

/** "item12-foo.yaml" → "12"; a file without the prefix is its own item. */
export function itemOf(file: string): string {
  const stem = basename(file, '.yaml')
  return /^item(\d+[a-z]?)(?:-|$)/.exec(stem)?.[1] ?? stem
}

function selected(files: string[], only: string[]): string[] {
  if (only.length === 0) return files
  const out: string[] = []
  for (const name of only) {
    const hits = files.filter((f) => {
      const stem = basename(f, '.yaml')
      return stem === name || itemOf(f) === name || stem.startsWith(`${name}-`)
    })
    if (hits.length === 0)
      throw new UsageError(`--only: no validation scenario "${name}" (scenarios: ${files.map((f) => basename(f, '.yaml')).join(', ')})`)
    for (const h of hits) if (!out.includes(h)) out.push(h)
  }
  return out
}

export function median(values: (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null).sort((a, b) => a - b)
  if (v.length === 0 || v.length < values.length) return null
  const m = v.length >> 1
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2
}

/** Run one scenario at each seed; its checks judged on the median of each measured value. */
export function validateScenario(scenario: Scenario, seeds: number[]): { rows: CheckRow[]; record: ScenarioRecord } {
  const item = itemOf(scenario.file)
  const summaries = seeds.map((seed) => {
    const run = createRun(scenario, { scenes: SCENES, seed })
    const t0 = performance.now()
    while (!run.done) run.advance(100_000)
    return run.summary(Math.round((performance.now() - t0) * 10) / 10)
  })
  const rows = scenario.expect.map((x, i): CheckRow => {
    const results = summaries.map((s) => s.expectations[i]!)
    const perSeed = results.map((r) => r.measured)
    const measured = median(perSeed)
    const lo = x.range[0]
    const hi = x.range[1]
    const note = results.find((r) => r.note)?.note
    return {
      item,
      scenario: scenario.name,
      file: scenario.file,
      name: x.name,
      metric: results[0]!.metric,
      expected: describeRange(x.range),
      range: results[0]!.range,
      unit: results[0]!.unit,
      measured,
      perSeed,
      pass: measured !== null && measured >= lo && measured <= hi,
      ...(note ? { note } : {}),
    }
  })
  const record: ScenarioRecord = {
    item,
    scenario: scenario.name,
    file: scenario.file,
    seeds,
    stateHashes: summaries.map((s) => s.stateHash),
    simulated_ms: summaries[0]!.simulated_ms,
    wall_ms: summaries.reduce((a, s) => a + s.wall_ms, 0),
    warnings: [...new Set(summaries.flatMap((s) => s.warnings))],
  }
  return { rows, record }
}

const DT_IN_NAME = /Δt = ([+-]?\d+(?:\.\d+)?) ms/

/** Points of a Δt curve from the checks whose names carry a Δt (at least two), with their unit; else undefined. */
export function dtCurve(rows: CheckRow[]): { points: CurvePoint[]; unit: string } | undefined {
  const points: CurvePoint[] = []
  let unit = ''
  for (const r of rows) {
    const m = DT_IN_NAME.exec(r.name)
    const [lo, hi] = r.range
    if (!m || lo === null || hi === null) continue
    points.push({ x: Number(m[1]), y: r.measured, lo, hi })
    unit = r.unit
  }
  return points.length >= 2 ? { points: points.sort((a, b) => a.x - b.x), unit } : undefined
}

function fmt(x: number | null): string {
  if (x === null) return 'not measured'
  return Math.abs(x) >= 1e5 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : String(Number(x.toPrecision(5)))
}

function table(rows: CheckRow[]): string {
  const head = ['item', 'metric', 'expected', 'measured', 'pass']
  const body = rows.map((r) => [r.item, r.name, r.expected, fmt(r.measured), r.pass ? 'ok' : 'FAIL'])
  const w = head.map((h, c) => Math.max(h.length, ...body.map((b) => b[c]!.length)))
  const line = (cells: string[]) => cells.map((s, c) => s.padEnd(w[c]!)).join('  ').trimEnd()
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...body.map(line)].join('\n') + '\n'
}

/** The per-seed values behind a median, for the markdown table ("" with one seed). */
function seedNote(values: (number | null)[]): string {
  if (values.length < 2) return ''
  if (values.every((v) => v === values[0])) return ` (all ${values.length} seeds)`
  return ` (seeds: ${values.map(fmt).join(', ')})`
}

export function markdown(report: ValidationReport): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|')
  const lines = [
    '# Validation report',
    '',
    `Generated by \`neuroplast validate${report.tier === 'full' ? ' --full' : ''}\` (${report.tier} tier${report.tier === 'full' ? `: ${FULL_SEEDS} seeds per scenario, the median is judged` : ': one seed per scenario'}). ` +
      'Items are those of VALIDATION.md; each is a scenario file under `scenes/validation/` whose comments give the source of every parameter and the reasoning behind each tolerance.',
    '',
    `**${report.pass ? 'All checks pass' : `${report.checks.filter((c) => !c.pass).length} of ${report.checks.length} checks fail`}.**`,
    '',
    '| item | metric | expected | measured | pass |',
    '|------|--------|----------|----------|------|',
    ...report.checks.map((r) => `| ${r.item} | ${esc(r.name)} | ${esc(r.expected)} | ${fmt(r.measured)}${seedNote(r.perSeed)} | ${r.pass ? 'ok' : '**FAIL**'} |`),
    '',
    '## Scenarios',
    '',
    ...report.scenarios.map((s) => `- item ${s.item}: ${s.scenario} — \`${s.file}\`, seeds ${s.seeds.join(', ')}, ${Math.round(s.simulated_ms) / 1000} s simulated per seed`),
    ...(report.skipped.length ? ['', `Full-tier scenarios not run in this tier: ${report.skipped.map((f) => `\`${f}\``).join(', ')}.`] : []),
    '',
  ]
  if (report.figures.length) lines.push('## Figures', '', ...report.figures.map((f) => `![${f}](${f})`), '')
  return lines.join('\n')
}

export async function validateCommand(argv: readonly string[], io: Io): Promise<number> {
  return guard(io, async () => {
    const args = parseArgs(argv, FLAGS, 'validate')
    if (args.flags.has('help')) {
      io.out(VALIDATE_HELP)
      return 0
    }
    const onlyFlag = stringFlag(args, 'only')
    if (onlyFlag === undefined && args.positionals.length)
      throw new UsageError(`unexpected argument ${args.positionals[0]} (to pick scenarios: --only NAME…)`)
    const only = onlyFlag === undefined ? [] : [onlyFlag, ...args.positionals].flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)
    const out = stringFlag(args, 'out') ?? join('out', 'validation')
    const outProblem = notADirectory(out)
    if (outProblem) throw new InputError(`${out}: cannot write the report there: ${outProblem}`)
    const merge = stringFlag(args, 'merge')
    if (merge !== undefined) {
      const report = writeMerged(merge.split(',').map((d) => d.trim()).filter(Boolean), out, markdown)
      io.out(table(report.checks))
      const failed = report.checks.filter((c) => !c.pass).length
      io.out(`merged ${report.scenarios.length} scenarios: ${failed ? `${failed} of ${report.checks.length} checks FAIL` : `all ${report.checks.length} checks pass`} (${report.tier} tier); report in ${join(out, 'validation-report.json')}\n`)
      return report.pass ? 0 : 1
    }
    const full = args.flags.has('full')
    const dir = stringFlag(args, 'dir')
    const files = selected(validationFiles(dir), only)
    // Parse every file first: a bad file stops the run before anything is simulated.
    const scenarios = files.map((f) => {
      let text: string
      try {
        text = readFileSync(f, 'utf8')
      } catch (e) {
        throw new InputError(`${f}: cannot read the scenario: ${(e as Error).message}`)
      }
      // Named relative to the working directory (the repo root, usually), as a user would write it.
      return parseScenario(text, relative(process.cwd(), f) || f)
    })

    // The quick tier leaves out publication-scale scenarios (`tier: full`) unless they are named.
    const skipped = !full && only.length === 0 ? scenarios.filter((s) => s.tier === 'full') : []
    for (const s of skipped) scenarios.splice(scenarios.indexOf(s), 1)
    const t0 = performance.now()
    const checks: CheckRow[] = []
    const records: ScenarioRecord[] = []
    const files_out: OutFile[] = []
    const figures: string[] = []
    for (const sc of scenarios) {
      const seeds = full ? Array.from({ length: FULL_SEEDS }, (_, k) => sc.seed + k) : [sc.seed]
      const { rows, record } = validateScenario(sc, seeds)
      checks.push(...rows)
      records.push(record)
      for (const w of record.warnings) io.err(`warning: ${basename(sc.file)}: ${w}\n`)
      const curve = dtCurve(rows)
      if (curve) {
        const name = `validation-${basename(sc.file, '.yaml')}.svg`
        figures.push(name)
        files_out.push({ path: join(out, name), data: curveSvg(curve.points, { title: sc.name, xLabel: 'Δt = t_post − t_pre (ms)', yLabel: curve.unit === 'ratio' ? 'w_after / w_before' : `change (${curve.unit})` }) })
      }
      const fc = frequencyCurve(rows)
      if (fc) {
        const name = `validation-${basename(sc.file, '.yaml')}.svg`
        figures.push(name)
        files_out.push({ path: join(out, name), data: frequencySvg(fc, sc.name) })
      }
    }
    const report: ValidationReport = {
      tier: full ? 'full' : 'quick',
      pass: checks.every((c) => c.pass),
      checks,
      scenarios: records,
      figures,
      skipped: skipped.map((s) => s.file),
      wall_ms: Math.round(performance.now() - t0),
    }
    files_out.push({ path: join(out, 'validation-report.json'), data: JSON.stringify(report, null, 2) + '\n' })
    files_out.push({ path: join(out, 'validation.md'), data: markdown(report) })
    try {
      writeAllOrNothing(files_out)
    } catch (e) {
      throw new InputError(`cannot write the report (nothing was written): ${(e as Error).message}`)
    }
    io.out(table(checks))
    const failed = checks.filter((c) => !c.pass).length
    io.out(`${failed ? `${failed} of ${checks.length} checks FAIL` : `all ${checks.length} checks pass`} (${report.tier} tier, ${records.length} scenario${records.length === 1 ? '' : 's'}${skipped.length ? `; ${skipped.length} full-tier scenario${skipped.length === 1 ? '' : 's'} left out: --full runs them` : ''}); report in ${join(out, 'validation-report.json')}\n`)
    return report.pass ? 0 : 1
  })
}

// ---------------------------------------------------------------------------------------------
// A tiny SVG writer: measured values (dots) and expected intervals (bars) against x
// ---------------------------------------------------------------------------------------------

export interface CurvePoint {
  x: number
  /** null: not measured (drawn as a bar without a dot). */
  y: number | null
  lo: number
  hi: number
}

/** Round tick step for a span: 1, 2 or 5 × 10^k, about `n` ticks. */
function tickStep(span: number, n: number): number {
  const raw = span / n
  const p = 10 ** Math.floor(Math.log10(raw))
  const f = raw / p
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p
}

export function curveSvg(points: CurvePoint[], labels: { title: string; xLabel: string; yLabel: string }): string {
  const W = 640
  const H = 400
  const m = { l: 70, r: 20, t: 50, b: 50 }
  const xs = points.map((p) => p.x)
  const ys = points.flatMap((p) => [p.lo, p.hi, ...(p.y === null ? [] : [p.y])])
  const xPad = (Math.max(...xs) - Math.min(...xs) || 1) * 0.04
  const x0 = Math.min(...xs) - xPad
  const x1 = Math.max(...xs) + xPad
  let y0 = Math.min(...ys)
  let y1 = Math.max(...ys)
  const pad = (y1 - y0 || 1) * 0.08
  y0 -= pad
  y1 += pad
  const X = (x: number) => m.l + ((x - x0) / (x1 - x0 || 1)) * (W - m.l - m.r)
  const Y = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b)
  const n = (v: number) => Number(v.toFixed(2))
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(labels.title)}</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>`,
  ]
  const step = tickStep(y1 - y0, 6)
  for (let v = Math.ceil(y0 / step) * step; v <= y1; v += step) {
    const t = Number(v.toPrecision(6))
    out.push(`<line x1="${m.l - 4}" y1="${n(Y(t))}" x2="${W - m.r}" y2="${n(Y(t))}" stroke="#ddd"/>`)
    out.push(`<text x="${m.l - 8}" y="${n(Y(t) + 4)}" text-anchor="end">${t}</text>`)
  }
  for (const x of xs) out.push(`<text x="${n(X(x))}" y="${H - m.b + 18}" text-anchor="middle">${x}</text>`)
  out.push(`<text x="${W / 2}" y="${H - 10}" text-anchor="middle">${esc(labels.xLabel)}</text>`)
  out.push(`<text transform="translate(18 ${H / 2}) rotate(-90)" text-anchor="middle">${esc(labels.yLabel)}</text>`)
  for (const p of points) {
    const cx = n(X(p.x))
    // The expected range as a bar, and its middle as a dash (a ± 1 % range is thinner than a pixel).
    out.push(`<line x1="${cx}" y1="${n(Y(p.lo))}" x2="${cx}" y2="${n(Y(p.hi))}" stroke="#d62728" stroke-width="6" opacity="0.5"><title>expected [${p.lo}, ${p.hi}]</title></line>`)
    const mid = n(Y((p.lo + p.hi) / 2))
    out.push(`<line x1="${cx - 9}" y1="${mid}" x2="${cx + 9}" y2="${mid}" stroke="#d62728" stroke-width="2"/>`)
    if (p.y !== null) out.push(`<circle cx="${cx}" cy="${n(Y(p.y))}" r="4" fill="#1f77b4"><title>measured ${p.y}</title></circle>`)
  }
  out.push(`<text x="${W - m.r}" y="${m.t - 10}" text-anchor="end"><tspan fill="#1f77b4">● measured</tspan>   <tspan fill="#d62728">▬ expected (bar: accepted range)</tspan></text>`)
  out.push('</svg>')
  return out.join('\n') + '\n'
}
