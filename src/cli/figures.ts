/**
 * Frequency-response figures for `neuroplast validate` (VALIDATION item 5): a scenario whose
 * expectation names start with "f = <number> Hz" (scenes/validation/item5-frequency-response.yaml)
 * gets the curve of its measured w_after/w_before against the stimulation frequency, on a log axis,
 * with the accepted ranges and the no-change line — the frequency-response curve of Dudek & Bear
 * (1992) / Shouval, Bear & Cooper (2002, Fig. 3B).
 *
 * Use (validate.ts, next to the Δt curve):
 *   const fc = frequencyCurve(rows)
 *   if (fc) files_out.push({ path: join(out, name), data: frequencySvg(fc, sc.name) })
 */
export interface FrequencyPoint {
  f_Hz: number
  /** Measured value (null: not measured). */
  y: number | null
  lo: number
  hi: number
}

/** The rows a validation report holds (the fields used here). */
export interface FigureRow {
  name: string
  measured: number | null
  range: [number | null, number | null]
}

const F_IN_NAME = /^f = (\d+(?:\.\d+)?) Hz\b/

/** Points from the checks whose names start with "f = <n> Hz" (at least two), ascending f; else undefined. */
export function frequencyCurve(rows: readonly FigureRow[]): FrequencyPoint[] | undefined {
  const pts: FrequencyPoint[] = []
  for (const r of rows) {
    const m = F_IN_NAME.exec(r.name)
    const [lo, hi] = r.range
    if (!m || lo === null || hi === null) continue
    pts.push({ f_Hz: Number(m[1]), y: r.measured, lo, hi })
  }
  return pts.length >= 2 ? pts.sort((a, b) => a.f_Hz - b.f_Hz) : undefined
}

const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const n2 = (v: number) => Number(v.toFixed(2))

/** SVG of a frequency-response curve: log-frequency axis, measured points joined, accepted ranges as bars. */
export function frequencySvg(points: readonly FrequencyPoint[], title: string): string {
  const W = 640
  const H = 400
  const m = { l: 70, r: 20, t: 50, b: 55 }
  const lx = points.map((p) => Math.log10(p.f_Hz))
  const x0 = Math.min(...lx) - 0.1
  const x1 = Math.max(...lx) + 0.1
  const measured = points.flatMap((p) => (p.y === null ? [] : [p.y]))
  let y0 = Math.min(0, ...measured)
  let y1 = Math.max(1.2, ...measured)
  const pad = (y1 - y0) * 0.06
  y0 -= pad
  y1 += pad
  const X = (f: number) => m.l + ((Math.log10(f) - x0) / (x1 - x0)) * (W - m.l - m.r)
  const Y = (y: number) => H - m.b - ((Math.min(Math.max(y, y0), y1) - y0) / (y1 - y0)) * (H - m.t - m.b)
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>`,
  ]
  const span = y1 - y0
  const raw = span / 6
  const p10 = 10 ** Math.floor(Math.log10(raw))
  const step = (raw / p10 < 1.5 ? 1 : raw / p10 < 3.5 ? 2 : raw / p10 < 7.5 ? 5 : 10) * p10
  for (let v = Math.ceil(y0 / step) * step; v <= y1; v += step) {
    const t = Number(v.toPrecision(6))
    out.push(`<line x1="${m.l - 4}" y1="${n2(Y(t))}" x2="${W - m.r}" y2="${n2(Y(t))}" stroke="#ddd"/>`)
    out.push(`<text x="${m.l - 8}" y="${n2(Y(t) + 4)}" text-anchor="end">${t}</text>`)
  }
  out.push(`<line x1="${m.l}" y1="${n2(Y(1))}" x2="${W - m.r}" y2="${n2(Y(1))}" stroke="#555" stroke-dasharray="5 4"><title>no change</title></line>`)
  for (const p of points) out.push(`<text x="${n2(X(p.f_Hz))}" y="${H - m.b + 18}" text-anchor="middle">${p.f_Hz}</text>`)
  out.push(`<text x="${W / 2}" y="${H - 12}" text-anchor="middle">stimulation frequency (Hz, log scale), 900 pulses</text>`)
  out.push(`<text transform="translate(18 ${H / 2}) rotate(-90)" text-anchor="middle">w_after / w_before</text>`)
  for (const p of points) {
    const cx = n2(X(p.f_Hz))
    out.push(`<line x1="${cx}" y1="${n2(Y(p.lo))}" x2="${cx}" y2="${n2(Y(p.hi))}" stroke="#d62728" stroke-width="6" opacity="0.35"><title>expected [${p.lo}, ${p.hi}]</title></line>`)
  }
  const line = points.filter((p) => p.y !== null).map((p) => `${n2(X(p.f_Hz))},${n2(Y(p.y!))}`)
  if (line.length > 1) out.push(`<polyline points="${line.join(' ')}" fill="none" stroke="#1f77b4" stroke-width="2"/>`)
  for (const p of points) if (p.y !== null) out.push(`<circle cx="${n2(X(p.f_Hz))}" cy="${n2(Y(p.y))}" r="4" fill="#1f77b4"><title>${p.f_Hz} Hz: measured ${p.y}</title></circle>`)
  out.push(`<text x="${W - m.r}" y="${m.t - 10}" text-anchor="end"><tspan fill="#1f77b4">● measured</tspan>   <tspan fill="#d62728">▬ accepted range</tspan>   <tspan fill="#555">-- no change</tspan></text>`)
  out.push('</svg>')
  return out.join('\n') + '\n'
}
