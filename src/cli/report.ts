/**
 * The report of a run (`neuroplast run` writes it as DIR/report.html): one self-contained HTML page
 * a user opens after a run — the scenario (name, description, file, scene, seed, state hash), the
 * expectation table with pass/fail, warnings, a summary of every probe and a plot of every probe
 * (rate, v and weight traces, spike rasters; expectation windows shaded), with the same plots as
 * standalone SVG files (DIR/figures/<probe>.svg).
 *
 * Self-contained: styles are inline, figures are inline SVG, there are no scripts, fonts, images or
 * style sheets to fetch. Links to the CSV and SVG files next to it are relative (plain links,
 * nothing is loaded when the page opens).
 */
import type { Recorder } from '../scenario/probes.ts'
import type { Summary } from '../scenario/runner.ts'
import type { Scenario } from '../scenario/types.ts'
import { formatTime } from '../scenario/units.ts'
import { escapeXml, linePlot, rasterPlot, type PlotOptions, type Series, type Shade } from './plot.ts'

export interface ReportInput {
  summary: Summary & { build_ms?: number }
  scenario: Scenario
  recorders: readonly Recorder[]
  /** Lines made by `fork` actions: their probes are drawn with the main line's (or beside them). */
  variants?: readonly { name: string; recorders: readonly Recorder[]; forkAt_ms: number }[]
  /** Probe name → CSV file name (relative to the report). */
  csv: Record<string, string>
  /** SVG file name (relative to the report) of a probe's figure, or of a variant's own figure of it. */
  svgFile: (probe: string, variant?: string) => string
}

/** One figure: a probe (with the variants it overlays), or a variant's own figure of a probe. */
export interface Figure {
  probe: string
  variant?: string
  file: string
  svg: string
}


/** A recorder's table as columns of numbers. */
export function columnsOf(rec: Recorder): { names: string[]; data: Float64Array[] } {
  const { columns, rows } = rec.table()
  const cols = columns.map(() => [] as number[])
  for (const row of rows()) for (let c = 0; c < cols.length; c++) cols[c]!.push(row[c]!)
  return { names: columns, data: cols.map((c) => Float64Array.from(c)) }
}

/**
 * Expectation windows over this probe, as shaded spans: those measured in `line` ('main' or a fork
 * variant), or in any line when `line` is undefined (a figure that draws every line).
 */
function shadesFor(scenario: Scenario, probe: string, line?: string): Shade[] {
  const out: Shade[] = []
  for (const x of scenario.expect) {
    const window = x.variant ?? 'main'
    const baseline = x.relativeVariant ?? window
    const tag = (l: string) => (line === undefined && l !== 'main' ? ` (${l})` : '')
    if (x.probe === probe && (line === undefined || line === window)) out.push({ from: x.window_ms[0], to: x.window_ms[1], label: `window of "${x.name}"${tag(window)}` })
    if (x.relativeTo_ms && (x.relativeProbe ?? x.probe) === probe && (line === undefined || line === baseline))
      out.push({ from: x.relativeTo_ms[0], to: x.relativeTo_ms[1], label: `baseline of "${x.name}"${tag(baseline)}` })
  }
  return out
}

const COUNT_COLUMNS = new Set(['spikes', 'neurons', 'synapses', 'samples'])

/**
 * The figure of one probe, as an SVG document: the main line's records, with `overlay` variants'
 * records drawn as more lines (line-plot kinds), or — with `variant` — a variant's own figure.
 */
export function probeFigure(rec: Recorder, scenario: Scenario, span: [number, number], opts: { overlay?: { name: string; rec: Recorder }[]; variant?: string } = {}): string {
  const def = rec.def
  const { names, data } = columnsOf(rec)
  const line = opts.overlay?.length ? undefined : (opts.variant ?? 'main')
  const base: PlotOptions = { title: '', yLabel: '', xRange: span, shades: shadesFor(scenario, def.name, line) }
  const prefix = opts.variant !== undefined ? `[variant ${opts.variant}] ` : ''
  const where = (d: { population?: string }) => d.population ?? 'all neurons'
  if (def.kind === 'spikes') return rasterPlot(data[0]!, data[1]!, { ...base, title: `${prefix}${def.name}: spikes of ${where(def)}`, yLabel: 'neuron id' })
  if (def.kind === 'v')
    return linePlot(
      names.slice(1).map((n, k) => ({ name: n.replace(/^v(\d+)_mV$/, 'neuron $1'), x: data[0]!, y: data[k + 1]! })),
      { ...base, title: `${prefix}${def.name}: membrane potential`, yLabel: 'v (mV)' },
    )
  return lineSpec(def, names, data, (series, o) => {
    const overlay = opts.overlay ?? []
    if (overlay.length === 0) return linePlot(series, { ...base, ...o, title: `${prefix}${o.title}` })
    const all: Series[] = series.map((x) => ({ ...x, name: `main: ${x.name}` }))
    for (const v of overlay) {
      const c = columnsOf(v.rec)
      lineSpec(def, c.names, c.data, (vs) => {
        all.push(...vs.map((x) => ({ ...x, name: `${v.name}: ${x.name}` })))
        return ''
      })
    }
    return linePlot(all, { ...base, ...o, title: `${o.title} (main line and ${overlay.map((v) => v.name).join(', ')})` })
  })
}

/** Probe kinds whose variants are drawn as more lines on the main figure (the others get their own). */
export function overlaid(kind: string): boolean {
  return kind !== 'spikes' && kind !== 'v'
}

/** Line-plot kinds: their series and labels, handed to `draw`. */
function lineSpec(def: Recorder['def'], names: string[], data: Float64Array[], draw: (series: Series[], opts: PlotOptions) => string): string {
  const base = { title: '', yLabel: '' }
  const where = (d: { population?: string }) => d.population ?? 'all neurons'
  switch (def.kind) {
    case 'rate':
      return draw([{ name: 'rate', x: data[0]!, y: data[1]! }], { ...base, title: `${def.name}: firing rate of ${where(def)} (${def.bin_ms} ms bins)`, yLabel: 'rate (Hz)' })
    case 'weight': {
      const what = [def.pathway ? `pathway ${def.pathway}` : 'all pathways', def.onto ? `onto ${def.onto}` : ''].filter(Boolean).join(' ')
      // The second column is what the probe records: mean_weight, or fraction_between / max_ratio_cv.
      const column = names[1] ?? 'mean_weight'
      const label = column === 'mean_weight' ? `mean ${def.settled ? 'settled ' : ''}weight` : column.replace(/_/g, ' ')
      return draw([{ name: label, x: data[0]!, y: data[1]! }], { ...base, title: `${def.name}: ${label}, ${what}`, yLabel: label })
    }
    case 'field': {
      // The recorded statistic; for a value statistic also the median and the 10th–90th percentiles.
      const col = (stat: string) => names.findIndex((n) => n === stat || n.startsWith(`${stat}_`))
      const stats = ['mean', 'sd', 'min', 'p10', 'median', 'p90', 'max'].includes(def.stat) ? [...new Set([def.stat, 'p10', 'median', 'p90'])] : [def.stat]
      const series = stats.flatMap((st) => (col(st) > 0 ? [{ name: names[col(st)]!, x: data[0]!, y: data[col(st)]! }] : []))
      return draw(series, { ...base, title: `${def.name}: ${def.stat} of ${def.of}`, yLabel: def.of })
    }
    default: {
      // A probe kind this report does not know yet: every non-count column against time.
      const kind = (def as { kind: string }).kind
      const series: Series[] = []
      names.forEach((n, c) => {
        if (c > 0 && !COUNT_COLUMNS.has(n) && series.length < 10) series.push({ name: n, x: data[0]!, y: data[c]! })
      })
      return draw(series, { ...base, title: `${(def as { name: string }).name} (${kind})`, yLabel: '' })
    }
  }
}

function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined) return '–'
  if (x === 0) return '0'
  return Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3 ? x.toExponential(3) : String(Number(x.toPrecision(4)))
}

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.5em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}th,td{border:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#17692b;font-weight:600}.fail{color:#b00020;font-weight:600}
.banner{padding:.5em .8em;border-radius:4px;margin:1em 0}.banner.ok{background:#e6f4ea}.banner.fail{background:#fdecea}
svg{max-width:100%;height:auto;display:block;margin:.5em 0}code{background:#f4f4f4;padding:0 .2em}
.meta td:first-child{color:#555;white-space:nowrap}.warn{color:#8a5300}`

/** The report page. */
export function reportHtml(r: ReportInput, figures: readonly Figure[]): string {
  const s = r.summary
  const e = escapeXml
  const failed = s.expectations.filter((x) => !x.pass).length
  const verdict =
    s.expectations.length === 0
      ? { cls: 'ok', text: 'No expectations: nothing to check.' }
      : failed
        ? { cls: 'fail', text: `${failed} of ${s.expectations.length} expectations FAIL.` }
        : { cls: 'ok', text: `All ${s.expectations.length} expectations hold.` }
  const rows: [string, string][] = [
    ['file', `<code>${e(s.file)}</code>`],
    ['scene', e(s.scene)],
    ['seed', e(String(s.seed))],
    ['time step', `${s.dt_ms} ms`],
    ['simulated', `${e(formatTime(s.simulated_ms))} (${e(formatTime(s.start_ms))} → ${e(formatTime(s.end_ms))}), ${s.steps} steps`],
    ['wall-clock time', `${e(formatTime(s.wall_ms, 3))}${s.build_ms !== undefined ? ` (+ ${e(formatTime(s.build_ms, 3))} to build the world)` : ''}`],
    ['world', `${s.neurons} neurons, ${s.synapses} synapses`],
    ['state hash', `<code>${e(s.stateHash)}</code>`],
  ]
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(s.scenario)} — Neuroplast run report</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>${e(s.scenario)}</h1>`,
    r.scenario.description ? `<p>${e(r.scenario.description)}</p>` : '',
    `<div class="banner ${verdict.cls}">${e(verdict.text)}</div>`,
    '<table class="meta">',
    ...rows.map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`),
    '</table>',
  ]
  if (s.warnings.length) out.push('<h2>Warnings</h2><ul>', ...s.warnings.map((w) => `<li class="warn">${e(w)}</li>`), '</ul>')
  out.push('<h2>Expectations</h2>')
  if (s.expectations.length === 0) out.push('<p>This scenario has no expectations.</p>')
  else {
    out.push('<table><tr><th>expectation</th><th>metric</th><th>expected</th><th>measured</th><th>result</th></tr>')
    for (const x of s.expectations)
      out.push(
        `<tr><td>${e(x.name)}</td><td>${e(x.metric)}</td><td>${e(x.expected)}</td><td class="num">${x.measured === null ? 'not measured' : `${fmt(x.measured)}${x.unit && x.unit !== 'ratio' ? ` ${e(x.unit)}` : ''}`}${x.note ? `<br><small>${e(x.note)}</small>` : ''}</td><td class="${x.pass ? 'ok' : 'fail'}">${x.pass ? 'pass' : 'FAIL'}</td></tr>`,
      )
    out.push('</table>')
  }
  out.push('<h2>Probes</h2>')
  if (r.recorders.length === 0) out.push('<p>This scenario records no probes.</p>')
  else {
    out.push('<table><tr><th>probe</th><th>kind</th><th>unit</th><th>mean</th><th>min</th><th>max</th><th>data</th></tr>')
    for (const rec of r.recorders) {
      const m = s.metrics[rec.def.name]
      const files = [r.csv[rec.def.name], ...Object.keys(r.csv).filter((k) => k.startsWith(`${rec.def.name}@`)).map((k) => r.csv[k]), ...figures.filter((f) => f.probe === rec.def.name).map((f) => f.file)]
      const links = files.filter((f): f is string => f !== undefined).map((f) => `<a href="${e(f)}">${e(f)}</a>`)
      out.push(`<tr><td>${e(rec.def.name)}</td><td>${e(rec.def.kind)}</td><td>${e(m?.unit ?? rec.unit)}</td><td class="num">${fmt(m?.mean)}</td><td class="num">${fmt(m?.min)}</td><td class="num">${fmt(m?.max)}</td><td>${links.join(' · ')}</td></tr>`)
    }
    out.push('</table>')
    out.push('<p><small>Shaded spans on a plot are the windows of the expectations that measure that probe (hover for which).</small></p>')
    for (const rec of r.recorders) {
      out.push(`<h3 id="probe-${e(rec.def.name)}">${e(rec.def.name)}</h3>`)
      for (const f of figures) if (f.probe === rec.def.name) out.push(f.svg)
    }
  }
  out.push(`<p><small>Written by <code>neuroplast run</code>. Summary: <a href="summary.json">summary.json</a>.</small></p>`, '</body></html>')
  return out.filter(Boolean).join('\n') + '\n'
}

/**
 * Figures of every probe and the report page that shows them. With fork variants, line plots
 * (rate, weight, field) show every line on one figure; rasters and v traces get one figure per
 * variant besides the main line's.
 */
export function buildReport(r: ReportInput): { html: string; figures: Figure[] } {
  const span: [number, number] = [r.summary.start_ms, r.summary.end_ms]
  const variants = r.variants ?? []
  const figures: Figure[] = []
  r.recorders.forEach((rec, i) => {
    const probe = rec.def.name
    const mine = variants.flatMap((v) => (v.recorders[i]?.def.name === probe ? [{ name: v.name, rec: v.recorders[i]! }] : []))
    const overlay = overlaid(rec.def.kind) ? mine : []
    figures.push({ probe, file: r.svgFile(probe), svg: probeFigure(rec, r.scenario, span, { overlay }) })
    if (overlay.length === 0)
      for (const v of mine) figures.push({ probe, variant: v.name, file: r.svgFile(probe, v.name), svg: probeFigure(v.rec, r.scenario, span, { variant: v.name }) })
  })
  return { html: reportHtml(r, figures), figures }
}
