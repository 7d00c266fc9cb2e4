/**
 * Measurements of a run: each expectation of the scenario evaluated from the probes' records, each
 * probe summarised over the whole run, and probe records as CSV text.
 *
 * An expectation's measured value is reduce(probe, window), or with `relativeTo` the ratio
 * reduce(window) / reduce(relativeTo) (or, with `compare: difference`, reduce(window) − reduce(relativeTo)). It passes when lo ≤ value ≤ hi. A window the run did not
 * record (before a resumed run's start, after its end, not reached yet) is not measured, and the
 * expectation does not pass.
 */
import type { Recorder } from './probes.ts'
import type { ExpectDef } from './types.ts'
import { formatTime } from './units.ts'

export interface ExpectationResult {
  name: string
  /** What was measured, in words: "mean of ca1_rate over [0.5 s, 1.5 s)". */
  metric: string
  /** The accepted range in words: "≥ 5", "in [0, 0.5]". */
  expected: string
  /** The accepted range; null for an open side (JSON has no infinity). */
  range: [number | null, number | null]
  /** null when it could not be measured (see `note`) or is not a finite number. */
  measured: number | null
  unit: string
  pass: boolean
  note?: string
}

export interface ProbeMetric {
  kind: string
  unit: string
  mean: number | null
  min: number | null
  max: number | null
  [extra: string]: unknown
}

/** The span a run has recorded, and the span it will have recorded when done (ms). */
export interface Span {
  start_ms: number
  now_ms: number
  end_ms: number
}

const EPS = 1e-6

export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null
}

export function describeRange([lo, hi]: [number, number]): string {
  if (lo === -Infinity && hi === Infinity) return 'any value'
  if (lo === -Infinity) return `≤ ${hi}`
  if (hi === Infinity) return `≥ ${lo}`
  if (lo === hi) return `= ${lo}`
  return `in [${lo}, ${hi}]`
}

const win = ([a, b]: [number, number]) => `[${formatTime(a)}, ${formatTime(b)})`

function unrecorded(w: [number, number], span: Span): string | undefined {
  if (w[0] < span.start_ms - EPS) return `window ${win(w)} starts before this run's first recorded time (${formatTime(span.start_ms)}, resumed from a snapshot)`
  if (w[1] > span.end_ms + EPS) return `window ${win(w)} ends after the end of the run (${formatTime(span.end_ms)})`
  if (w[1] > span.now_ms + EPS) return `window ${win(w)} not reached yet (now ${formatTime(span.now_ms)})`
  return undefined
}

export function evaluateExpectation(x: ExpectDef, rec: Recorder | undefined, span: Span, baseRec: Recorder | undefined = rec): ExpectationResult {
  const diff = x.compare === 'difference'
  const metric = `${x.reduce} of ${x.probe} over ${win(x.window_ms)}${x.relativeTo_ms ? ` ${diff ? '−' : '÷'} ${x.reduce}${x.relativeProbe ? ` of ${x.relativeProbe}` : ''} over ${win(x.relativeTo_ms)}` : ''}`
  const unit = x.relativeTo_ms && !diff ? 'ratio' : rec ? unitOf(rec, x) : ''
  const base = { name: x.name, metric, expected: describeRange(x.range), range: [finiteOrNull(x.range[0]), finiteOrNull(x.range[1])] as [number | null, number | null], unit }
  const fail = (note: string): ExpectationResult => ({ ...base, measured: null, pass: false, note })
  if (!rec) return fail(`no probe "${x.probe}"`)
  if (!baseRec) return fail(`no probe "${x.relativeProbe}"`)
  for (const w of [x.window_ms, x.relativeTo_ms]) {
    if (!w) continue
    const why = unrecorded(w, span)
    if (why) return fail(why)
    if (rec.truncatedAt_ms !== undefined && w[1] > rec.truncatedAt_ms) return fail(`probe stopped recording at ${formatTime(rec.truncatedAt_ms)} (too many spikes)`)
  }
  const a = rec.reduce(x.reduce, x.window_ms[0], x.window_ms[1])
  if (a.n === 0 && x.reduce !== 'count') return fail(`no samples of ${x.probe} in ${win(x.window_ms)}`)
  let value = a.value
  let note: string | undefined
  if (x.relativeTo_ms) {
    const b = baseRec.reduce(x.reduce, x.relativeTo_ms[0], x.relativeTo_ms[1])
    if (b.n === 0 && x.reduce !== 'count') return fail(`no samples of ${x.relativeProbe ?? x.probe} in ${win(x.relativeTo_ms)}`)
    value = diff ? a.value - b.value : a.value / b.value
    if (!diff && b.value === 0) note = `baseline ${x.reduce} is 0, so the ratio is ${Number.isNaN(value) ? 'undefined' : 'infinite'}`
  }
  const pass = !Number.isNaN(value) && value >= x.range[0] && value <= x.range[1]
  return { ...base, measured: finiteOrNull(value), pass, ...(note ? { note } : {}) }
}

function unitOf(rec: Recorder, x: ExpectDef): string {
  if (x.reduce === 'count') return 'spikes'
  if (rec.def.kind === 'spikes') return 'Hz'
  return rec.unit
}

/** A probe over the whole recorded span. */
export function probeMetric(rec: Recorder, span: Span): ProbeMetric {
  const from = span.start_ms
  const to = span.now_ms + EPS * 10
  const info = rec.info()
  if (rec.def.kind === 'spikes') {
    // Spikes happen at step starts, all before now: the span is exactly [start, now).
    const rate = span.now_ms > from ? rec.reduce('mean', from, span.now_ms).value : NaN
    return { kind: 'spikes', unit: 'Hz', mean: finiteOrNull(rate), min: null, max: null, ...info }
  }
  const r = (k: 'mean' | 'min' | 'max') => finiteOrNull(rec.reduce(k, from, to).value)
  const extra = rec.def.kind === 'rate' ? { spikes: rec.reduce('count', from, to).value } : {}
  return { kind: rec.def.kind, unit: rec.unit, mean: r('mean'), min: r('min'), max: r('max'), ...info, ...extra }
}

/** A probe's records as CSV (header line, then one line per sample; NaN as empty). */
export function probeCsv(rec: Recorder): string {
  const { columns, rows } = rec.table()
  const lines = [columns.join(',')]
  for (const row of rows()) lines.push(row.map((v) => (Number.isFinite(v) ? String(v) : '')).join(','))
  return lines.join('\n') + '\n'
}
