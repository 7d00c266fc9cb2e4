/**
 * The run report: `neuroplast run` writes a self-contained report.html (scenario, seed, hash, the
 * expectation table, an inline SVG plot of every probe, nothing fetched) and the same plots as SVG
 * files, all or nothing; the plotter keeps figures small however long the run (min/max decimation,
 * raster density grid) without losing a trace's extremes.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { decimate, linePlot, rasterPlot, RASTER_DOTS, ticks, timeUnit } from '../src/cli/plot.ts'

const ROOT = resolve(import.meta.dirname, '..')
const BIN = join(ROOT, 'bin', 'neuroplast.mjs')
let tmp: string

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'neuroplast-report-'))
})
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Every element opened is closed (a cheap well-formedness check for our own SVG output). */
function balanced(svg: string): boolean {
  const stack: string[] = []
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m
    if (self) continue
    if (close) {
      if (stack.pop() !== name) return false
    } else stack.push(name!)
  }
  return stack.length === 0
}

const SCENARIO = `name: Report <demo> & co
description: A tiny slice, a train on S1, one probe of each kind; one expectation holds, one fails.
scene: { builder: hippocampalSlice, params: { nCA3: 20, nCA1: 10, nInterneurons: 2 } }
seed: 3
duration: 300 ms
electrodes:
  A: { x_um: 350, y_um: 255, radius_um: 400, population: CA3 S1 }
timeline:
  - at: 50 ms
    stimulate: { electrode: A, protocol: { kind: train, freq: 100 Hz, count: 10 } }
probes:
  s1: { spikes: { population: CA3 S1 } }
  ca1 rate: { rate: { population: CA1 pyramidal } }
  v: { v: { population: CA1 pyramidal, first: 2, every: 1 ms } }
  w: { weight: { pathway: S1, every: 10 ms } }
expect:
  - name: S1 follows the train
    metric: { probe: s1, reduce: count, window: [0 ms, 200 ms] }
    range: [100, 100]
  - name: an expectation that fails
    metric: { probe: ca1 rate, reduce: mean, window: [0 ms, 50 ms] }
    range: [1000, .inf]
`

describe('plots', () => {
  it('ticks are round and cover the span; time axes pick a readable unit', () => {
    expect(ticks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    expect(ticks(-65.3, -40.1, 5)).toEqual([-65, -60, -55, -50, -45])
    expect(timeUnit(500)).toEqual({ unit: 'ms', scale: 1 })
    expect(timeUnit(10_000)).toEqual({ unit: 's', scale: 1000 })
    expect(timeUnit(20 * 60_000).unit).toBe('min')
    expect(timeUnit(48 * 3_600_000).unit).toBe('h')
  })

  it('decimation keeps every column\'s extremes, so a one-sample spike survives', () => {
    const n = 200_000
    const x = Float64Array.from({ length: n }, (_, i) => i * 0.1)
    const y = Float64Array.from({ length: n }, (_, i) => (i === 123_457 ? 30 : i === 77_777 ? -90 : -65 + Math.sin(i / 1000)))
    const X = (t: number) => (t / (n * 0.1)) * 600
    const idx = decimate(x, y, X, 600)
    expect(idx.length).toBeLessThanOrEqual(600 * 4 + 4)
    expect(idx).toContain(123_457)
    expect(idx).toContain(77_777)
    expect(idx).toContain(0)
    expect(idx).toContain(n - 1)
    expect([...idx].sort((a, b) => a - b)).toEqual(idx) // in order
    // Few points: all of them.
    expect(decimate([0, 1, 2], [1, 2, 3], (t) => t, 600)).toEqual([0, 1, 2])
  })

  it('a long trace and a big raster stay small and well formed', () => {
    const n = 500_000
    const x = Float64Array.from({ length: n }, (_, i) => i)
    const y = Float64Array.from({ length: n }, (_, i) => (i % 997) / 997)
    const line = linePlot([{ name: 'a', x, y }, { name: 'b <&>', x, y: y.map((v) => v * 2) }], { title: 't', yLabel: 'y' })
    expect(line.length).toBeLessThan(120_000)
    expect(balanced(line)).toBe(true)
    expect(line).toContain('b &lt;&amp;&gt;')
    const m = 300_000
    const t = Float64Array.from({ length: m }, (_, i) => i / 10)
    const ids = Float64Array.from({ length: m }, (_, i) => (i * 7919) % 1000)
    const raster = rasterPlot(t, ids, { title: 'r', yLabel: 'neuron id' })
    expect(m).toBeGreaterThan(RASTER_DOTS)
    expect(raster).toMatch(/300000 spikes: density/)
    expect(raster.length).toBeLessThan(1_500_000)
    expect(balanced(raster)).toBe(true)
    const few = rasterPlot([1, 2, 3], [5, 6, 5], { title: 'r', yLabel: 'neuron id' })
    expect(few.match(/M[\d.]+ [\d.]+v/g)).toHaveLength(3)
  })

  it('NaN breaks a line; empty data still gives a valid plot', () => {
    const p = linePlot([{ name: 'w', x: [0, 1, 2, 3], y: [1, NaN, 2, 3] }], { title: 'w', yLabel: 'w' })
    const d = /<path d="([^"]+)"/.exec(p)![1]!
    expect(d.match(/M/g)).toHaveLength(2)
    expect(linePlot([{ name: 'none', x: [], y: [] }], { title: 'e', yLabel: 'e' })).toMatch(/no samples/)
    expect(rasterPlot([], [], { title: 'e', yLabel: 'e' })).toMatch(/no spikes/)
  })
})

describe('report.html', { timeout: 60_000 }, () => {
  it('neuroplast run writes a self-contained report and one SVG per probe', () => {
    const file = join(tmp, 'demo.yaml')
    writeFileSync(file, SCENARIO)
    const out = join(tmp, 'out')
    const r = cli('run', file, '--out', out)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/report in .*report\.html/)
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))
    expect(summary.files.report).toBe('report.html')
    expect(summary.files.figures).toEqual({ s1: 'figures/s1.svg', 'ca1 rate': 'figures/ca1_rate.svg', v: 'figures/v.svg', w: 'figures/w.svg' })
    expect(readdirSync(join(out, 'figures')).sort()).toEqual(['ca1_rate.svg', 's1.svg', 'v.svg', 'w.svg'])

    const html = readFileSync(join(out, 'report.html'), 'utf8')
    expect(html).toMatch(/^<!DOCTYPE html>/)
    expect(html).toContain('<title>Report &lt;demo&gt; &amp; co — Neuroplast run report</title>')
    expect(html).toContain('A tiny slice, a train on S1')
    expect(html).toContain(`<code>${summary.stateHash}</code>`)
    expect(html).toMatch(/<td>seed<\/td><td>3<\/td>/)
    expect(html).toContain('1 of 2 expectations FAIL.')
    expect(html).toMatch(/<td>S1 follows the train<\/td>.*<td class="num">100 spikes<\/td><td class="ok">pass<\/td>/)
    expect(html).toMatch(/<td>an expectation that fails<\/td>.*<td class="fail">FAIL<\/td>/)
    // Every figure inline, the same as its file.
    for (const f of Object.values(summary.files.figures) as string[]) {
      const svg = readFileSync(join(out, f), 'utf8')
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
      expect(balanced(svg)).toBe(true)
      expect(html).toContain(svg.trim())
    }
    expect(html.match(/<svg /g)).toHaveLength(4)
    expect(html).toContain('v: membrane potential')
    expect(html).toContain('neuron id')
    // Nothing to fetch: no scripts, style sheets, images, frames, fonts or remote URLs.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|@import|url\(/i)
    expect(html).not.toMatch(/\ssrc=/i)
    const urls = [...html.matchAll(/(?:https?:)?\/\/[^\s"'<>)]+/g)].map((m) => m[0])
    expect(urls.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true)
    expect(balanced(html.replace(/<!DOCTYPE html>/, '').replace(/<meta[^>]*>/g, '').replace(/<br>/g, ''))).toBe(true)
  })

  it('a `snapshot` action is written as DIR/<name>.npls, and resuming from it reaches the straight run\'s state', () => {
    const file = join(tmp, 'snap.yaml')
    writeFileSync(file, SCENARIO.replace('timeline:\n', 'timeline:\n  - { at: 120 ms, snapshot: mid }\n'))
    const out = join(tmp, 'snap')
    expect(cli('run', file, '--out', out, '--quiet').code).toBe(1)
    const straight = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))
    expect(straight.files.snapshots).toEqual({ mid: 'mid.npls' })
    const resumed = join(tmp, 'resumed')
    expect(cli('run', file, '--out', resumed, '--quiet', '--from-snapshot', join(out, 'mid.npls')).code).toBe(1)
    const r = JSON.parse(readFileSync(join(resumed, 'summary.json'), 'utf8'))
    expect(r.start_ms).toBeCloseTo(120, 9)
    expect(r.stateHash).toBe(straight.stateHash)
  })

  it('fork variants: trace plots overlay every line, rasters and v traces get a figure per variant', () => {
    const file = join(tmp, 'fork.yaml')
    writeFileSync(
      file,
      SCENARIO.replace('timeline:\n  - at: 50 ms\n', 'timeline:\n  - { at: 20 ms, fork: B }\n  - at: 50 ms\n    variant: B\n'),
    )
    const out = join(tmp, 'fork')
    expect(cli('run', file, '--out', out, '--quiet').code).toBe(1)
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))
    expect(s.files.figures).toEqual({
      s1: 'figures/s1.svg',
      's1@B': 'figures/s1.B.svg',
      'ca1 rate': 'figures/ca1_rate.svg',
      v: 'figures/v.svg',
      'v@B': 'figures/v.B.svg',
      w: 'figures/w.svg',
    })
    const rate = readFileSync(join(out, 'figures', 'ca1_rate.svg'), 'utf8')
    expect(rate).toContain('<title>main: rate</title>')
    expect(rate).toContain('<title>B: rate</title>')
    expect(readFileSync(join(out, 'figures', 's1.svg'), 'utf8')).toContain('no spikes') // the train runs in B only
    expect(readFileSync(join(out, 'figures', 's1.B.svg'), 'utf8')).toMatch(/\[variant B\] s1: spikes of CA3 S1/)
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    expect(html.match(/<svg /g)).toHaveLength(6)
  })

  it('all or nothing: when a figure cannot be written, no file of the run is left', () => {
    const file = join(tmp, 'demo.yaml')
    writeFileSync(file, SCENARIO)
    const out = join(tmp, 'blocked')
    mkdirSync(out)
    writeFileSync(join(out, 'figures'), 'a file where the figures directory should go')
    const r = cli('run', file, '--out', out)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/cannot write the results \(nothing was written\)/)
    expect(readdirSync(out)).toEqual(['figures'])
    expect(existsSync(join(out, 'summary.json'))).toBe(false)
  })
})
