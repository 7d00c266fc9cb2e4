/**
 * A small SVG plotter for run reports (src/cli/report.ts): line plots of time series (rate, v and
 * weight traces) and spike rasters, as standalone SVG documents that also embed inline in HTML.
 * No dependencies, no scripts, nothing fetched: plain SVG 1.1 elements.
 *
 * Output size is bounded whatever the run's length: a line series with more points than a few per
 * pixel column is reduced to each column's first, lowest, highest and last point (the trace looks
 * the same, spikes included); a raster with more spikes than `RASTER_DOTS` is drawn as a density
 * grid of small cells, darker where more spikes fall.
 *
 * Time axes take times in ms and label them in ms, s, min or h, whichever suits the span.
 */

export interface Series {
  name: string
  /** Abscissae (ms for time axes), ascending. */
  x: ArrayLike<number>
  /** Ordinates; NaN breaks the line. */
  y: ArrayLike<number>
}

/** A shaded span of the x axis (an expectation's window). */
export interface Shade {
  from: number
  to: number
  label: string
}

export interface PlotOptions {
  title: string
  yLabel: string
  /** x axis span in ms (default: the data's). */
  xRange?: [number, number]
  shades?: Shade[]
  width?: number
  height?: number
}

/** Above this many spikes a raster is drawn as a density grid. */
export const RASTER_DOTS = 20_000

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf']
const MARGIN = { l: 72, r: 16, t: 40, b: 46 }

export function escapeXml(t: string): string {
  return t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** Round tick step for a span: 1, 2 or 5 × 10^k, about `n` ticks. */
export function tickStep(span: number, n: number): number {
  const raw = span / n
  if (!(raw > 0) || !Number.isFinite(raw)) return 1
  const p = 10 ** Math.floor(Math.log10(raw))
  const f = raw / p
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p
}

export function ticks(lo: number, hi: number, n: number): number[] {
  const step = tickStep(hi - lo, n)
  const out: number[] = []
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)))
  return out
}

/** Unit to label a time axis spanning `span_ms`: the value divided by `scale` is in `unit`. */
export function timeUnit(span_ms: number): { unit: string; scale: number } {
  if (span_ms >= 3 * 3_600_000) return { unit: 'h', scale: 3_600_000 }
  if (span_ms >= 3 * 60_000) return { unit: 'min', scale: 60_000 }
  if (span_ms >= 2000) return { unit: 's', scale: 1000 }
  return { unit: 'ms', scale: 1 }
}

const num = (v: number): string => String(Math.round(v * 10) / 10)

function fmtTick(v: number): string {
  if (v === 0) return '0'
  const a = Math.abs(v)
  return a >= 1e5 || a < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(6)))
}

interface Frame {
  W: number
  H: number
  X: (x: number) => number
  Y: (y: number) => number
  x0: number
  x1: number
  out: string[]
}

/** Axes, ticks, grid, labels and shades; returns the frame to draw data into. */
function frame(opts: PlotOptions, xr: [number, number], yr: [number, number]): Frame {
  const W = opts.width ?? 720
  const H = opts.height ?? 300
  const [x0, x1] = xr[1] > xr[0] ? xr : [xr[0], xr[0] + 1]
  const [y0, y1] = yr[1] > yr[0] ? yr : [yr[0] - 1, yr[0] + 1]
  const pw = W - MARGIN.l - MARGIN.r
  const ph = H - MARGIN.t - MARGIN.b
  const X = (x: number) => MARGIN.l + ((x - x0) / (x1 - x0)) * pw
  const Y = (y: number) => MARGIN.t + ph - ((y - y0) / (y1 - y0)) * ph
  const { unit, scale } = timeUnit(x1 - x0)
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(opts.title)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${escapeXml(opts.title)}</text>`,
  ]
  for (const s of opts.shades ?? []) {
    const a = Math.max(x0, s.from)
    const b = Math.min(x1, s.to)
    if (!(b > a)) continue
    out.push(`<rect x="${num(X(a))}" y="${MARGIN.t}" width="${num(X(b) - X(a))}" height="${ph}" fill="#f5d76e" opacity="0.25"><title>${escapeXml(s.label)}</title></rect>`)
  }
  for (const t of ticks(y0, y1, 5)) {
    out.push(`<line x1="${MARGIN.l}" y1="${num(Y(t))}" x2="${W - MARGIN.r}" y2="${num(Y(t))}" stroke="#e4e4e4"/>`)
    out.push(`<text x="${MARGIN.l - 6}" y="${num(Y(t) + 4)}" text-anchor="end">${fmtTick(t)}</text>`)
  }
  for (const t of ticks(x0 / scale, x1 / scale, 8)) {
    const x = num(X(t * scale))
    out.push(`<line x1="${x}" y1="${MARGIN.t + ph}" x2="${x}" y2="${MARGIN.t + ph + 4}" stroke="black"/>`)
    out.push(`<text x="${x}" y="${MARGIN.t + ph + 16}" text-anchor="middle">${fmtTick(t)}</text>`)
  }
  out.push(`<rect x="${MARGIN.l}" y="${MARGIN.t}" width="${pw}" height="${ph}" fill="none" stroke="black"/>`)
  out.push(`<text x="${MARGIN.l + pw / 2}" y="${H - 8}" text-anchor="middle">time (${unit})</text>`)
  out.push(`<text transform="translate(16 ${MARGIN.t + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(opts.yLabel)}</text>`)
  return { W, H, X, Y, x0, x1, out }
}

function finish(f: Frame): string {
  f.out.push('</svg>')
  return f.out.join('\n') + '\n'
}

/** Finite y range of the series over [x0, x1], padded by 5 % (a flat series gets ± 1 or ± 10 %). */
function yRange(series: Series[]): [number, number] {
  let lo = Infinity
  let hi = -Infinity
  for (const s of series)
    for (let i = 0; i < s.y.length; i++) {
      const y = s.y[i]!
      if (!Number.isFinite(y)) continue
      if (y < lo) lo = y
      if (y > hi) hi = y
    }
  if (lo === Infinity) return [0, 1]
  if (hi === lo) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1
    return [lo - d, hi + d]
  }
  const pad = (hi - lo) * 0.05
  return [lo - pad, hi + pad]
}

/**
 * Indices of the points to draw: all when few, else per pixel column the first, the lowest, the
 * highest and the last (in order), with NaNs kept as line breaks.
 */
export function decimate(x: ArrayLike<number>, y: ArrayLike<number>, X: (x: number) => number, columns: number): number[] {
  const n = Math.min(x.length, y.length)
  if (n <= columns * 4) return Array.from({ length: n }, (_, i) => i)
  const out: number[] = []
  let col = NaN
  let first = -1
  let lo = -1
  let hi = -1
  let last = -1
  const flush = () => {
    if (first < 0) return
    for (const i of [...new Set([first, lo, hi, last])].sort((a, b) => a - b)) out.push(i)
    first = lo = hi = last = -1
  }
  for (let i = 0; i < n; i++) {
    const yi = y[i]!
    if (!Number.isFinite(yi)) {
      flush()
      out.push(i)
      col = NaN
      continue
    }
    const c = Math.floor(X(x[i]!))
    if (c !== col) {
      flush()
      col = c
      first = lo = hi = i
    }
    if (yi < y[lo]!) lo = i
    if (yi > y[hi]!) hi = i
    last = i
  }
  flush()
  return out
}

/** One or more time series against time (ms), with a legend when there are several. */
export function linePlot(series: Series[], opts: PlotOptions): string {
  let xMin = Infinity
  let xMax = -Infinity
  for (const s of series)
    if (s.x.length) {
      xMin = Math.min(xMin, s.x[0]!)
      xMax = Math.max(xMax, s.x[s.x.length - 1]!)
    }
  const xr: [number, number] = opts.xRange ?? (xMin <= xMax ? [xMin, xMax] : [0, 1])
  const f = frame(opts, xr, yRange(series))
  const columns = f.W - MARGIN.l - MARGIN.r
  series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length]!
    const idx = decimate(s.x, s.y, f.X, columns)
    let d = ''
    let pen = false
    let points = 0
    for (const i of idx) {
      const y = s.y[i]!
      if (!Number.isFinite(y)) {
        pen = false
        continue
      }
      d += `${pen ? 'L' : 'M'}${num(f.X(s.x[i]!))} ${num(f.Y(y))}`
      pen = true
      points++
    }
    if (points === 1) d += 'h1' // a single sample: a visible dot-sized stroke
    if (d) f.out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.2" stroke-linejoin="round"><title>${escapeXml(s.name)}</title></path>`)
  })
  if (series.length > 1)
    series.forEach((s, k) => {
      const y = MARGIN.t + 12 + 14 * k
      const x = f.W - MARGIN.r - 110
      f.out.push(`<line x1="${x}" y1="${y - 4}" x2="${x + 18}" y2="${y - 4}" stroke="${PALETTE[k % PALETTE.length]}" stroke-width="2"/><text x="${x + 22}" y="${y}">${escapeXml(s.name)}</text>`)
    })
  if (series.every((s) => s.x.length === 0)) f.out.push(`<text x="${f.W / 2}" y="${f.H / 2}" text-anchor="middle" fill="#888">no samples</text>`)
  return finish(f)
}

/** A spike raster: one tick per spike at (time, neuron id); a density grid when there are many. */
export function rasterPlot(t: ArrayLike<number>, ids: ArrayLike<number>, opts: PlotOptions): string {
  const n = Math.min(t.length, ids.length)
  let idMin = Infinity
  let idMax = -Infinity
  for (let i = 0; i < n; i++) {
    idMin = Math.min(idMin, ids[i]!)
    idMax = Math.max(idMax, ids[i]!)
  }
  if (n === 0) [idMin, idMax] = [0, 1]
  const xr: [number, number] = opts.xRange ?? (n ? [t[0]!, t[n - 1]!] : [0, 1])
  const f = frame({ ...opts, yLabel: opts.yLabel }, xr, [idMin - 0.5, idMax + 0.5])
  const inX = (x: number) => x >= f.x0 && x <= f.x1
  if (n === 0) {
    f.out.push(`<text x="${f.W / 2}" y="${f.H / 2}" text-anchor="middle" fill="#888">no spikes</text>`)
  } else if (n <= RASTER_DOTS) {
    const h = Math.max(1, Math.min(6, (f.Y(idMin) - f.Y(idMin + 1)) * 0.8))
    let d = ''
    for (let i = 0; i < n; i++) if (inX(t[i]!)) d += `M${num(f.X(t[i]!))} ${num(f.Y(ids[i]!) - h / 2)}v${num(h)}`
    f.out.push(`<path d="${d}" stroke="black" stroke-width="1" fill="none"/>`)
  } else {
    // Density grid: cells of CELL × CELL px, five shades by the cell's count relative to the busiest.
    const CELL = 2
    const cols = Math.ceil((f.W - MARGIN.l - MARGIN.r) / CELL)
    const rows = Math.ceil((f.H - MARGIN.t - MARGIN.b) / CELL)
    const grid = new Uint32Array(cols * rows)
    for (let i = 0; i < n; i++) {
      if (!inX(t[i]!)) continue
      const c = Math.min(cols - 1, Math.max(0, Math.floor((f.X(t[i]!) - MARGIN.l) / CELL)))
      const r = Math.min(rows - 1, Math.max(0, Math.floor((f.Y(ids[i]!) - MARGIN.t) / CELL)))
      grid[r * cols + c]!++
    }
    let max = 0
    for (const v of grid) if (v > max) max = v
    const levels = ['', '', '', '', ''].map(() => [] as string[])
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        const v = grid[r * cols + c]!
        if (v === 0) continue
        const level = Math.min(4, Math.floor((Math.sqrt(v / max) * 5)))
        levels[level]!.push(`M${MARGIN.l + c * CELL} ${MARGIN.t + r * CELL}h${CELL}v${CELL}h-${CELL}z`)
      }
    levels.forEach((cells, k) => {
      if (cells.length) f.out.push(`<path d="${cells.join('')}" fill="black" opacity="${(0.25 + 0.1875 * k).toFixed(3)}"/>`)
    })
    f.out.push(`<text x="${f.W - MARGIN.r}" y="${MARGIN.t - 6}" text-anchor="end" fill="#555">${n} spikes: density (darker = more spikes)</text>`)
  }
  return finish(f)
}
