/**
 * `neuroplast sweep`: the flag grammar (paths, values, seeds), and the command spawned as a user
 * would — a 2 × 2 × 2 sweep of a tiny scenario on 2 worker threads gives one table whose rows equal
 * `neuroplast run` of the same file with that value and seed (measured values and state hash), a run
 * that throws is a row with its error, and bad --param / --seeds input exits 2 naming the flag with
 * nothing written.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { parseDocument } from 'yaml'
import { checkPath, combinations, sweepCommand, csvField, parseParam, parsePath, parseSeeds, splitValues, withValues } from '../src/cli/sweep.ts'
import { UsageError } from '../src/cli/args.ts'
import { main } from '../src/cli/main.ts'

const QUIET = { out: () => {}, err: () => {} }

const ROOT = resolve(import.meta.dirname, '..')
const BIN = join(ROOT, 'bin', 'neuroplast.mjs')
let tmp: string

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'neuroplast-sweep-'))
})
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** A tiny slice (32 neurons, 300 ms): a 10-pulse train on S1; CA1's response depends on wSchaffer. */
const TINY = `name: tiny sweep
scene: { builder: hippocampalSlice, params: { nCA3: 20, nCA1: 10, nInterneurons: 2 } }
duration: 300 ms
electrodes:
  A: { x_um: 350, y_um: 255, radius_um: 400, population: CA3 S1 }
timeline:
  - at: 50 ms
    stimulate: { electrode: A, protocol: { kind: train, freq: 100 Hz, count: 10 } }
probes:
  s1: { spikes: { population: CA3 S1 } }
  ca1: { rate: { population: CA1 pyramidal } }
expect:
  - name: S1 follows the train, pulse for pulse
    metric: { probe: s1, reduce: count, window: [0 ms, 200 ms] }
    range: [100, 100]
  - name: CA1 rate during the train
    metric: { probe: ca1, reduce: mean, window: [50 ms, 200 ms] }
    range: [0, .inf]
`

/** Minimal CSV reader (quoted fields with "" escapes, no newlines inside fields). */
function readCsv(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const out: string[] = []
      let i = 0
      while (i <= line.length) {
        if (line[i] === '"') {
          let s = ''
          i++
          for (;;) {
            if (line[i] === '"' && line[i + 1] === '"') {
              s += '"'
              i += 2
            } else if (line[i] === '"') {
              i++
              break
            } else s += line[i++]
          }
          out.push(s)
          i++ // comma
        } else {
          const j = line.indexOf(',', i)
          const end = j < 0 ? line.length : j
          out.push(line.slice(i, end))
          i = end + 1
        }
      }
      return out
    })
}

describe('sweep flags', () => {
  it('parses field paths as error messages write them', () => {
    expect(parsePath('scene.params.wSchaffer')).toEqual(['scene', 'params', 'wSchaffer'])
    expect(parsePath('timeline[0].stimulate.protocol')).toEqual(['timeline', 0, 'stimulate', 'protocol'])
    expect(parsePath('probes["CA1 rate"].rate.bin')).toEqual(['probes', 'CA1 rate', 'rate', 'bin'])
    for (const bad of ['', 'a..b', '.a', 'a.', 'a[x]', 'a[0', '[0]x', 'a b']) expect(parsePath(bad), bad).toBeUndefined()
  })

  it('splits values on commas outside quotes and brackets', () => {
    expect(splitValues('0.01, 0.02,0.04')).toEqual(['0.01', '0.02', '0.04'])
    expect(splitValues('HFS,{ kind: train, freq: 50 Hz, count: 20 },"a,b"')).toEqual(['HFS', '{ kind: train, freq: 50 Hz, count: 20 }', '"a,b"'])
    expect(splitValues('[1, 2],[3]')).toEqual(['[1, 2]', '[3]'])
    expect(splitValues('{a: 1')).toBeUndefined()
    expect(splitValues('"open')).toBeUndefined()
  })

  it('reads values as YAML and names the flag in every complaint', () => {
    const p = parseParam('timeline[0].stimulate.protocol=HFS,{ kind: pulse },0.5')
    expect(p.path).toBe('timeline[0].stimulate.protocol')
    expect(p.labels).toEqual(['HFS', '{ kind: pulse }', '0.5'])
    expect(p.values).toEqual(['HFS', { kind: 'pulse' }, 0.5])
    for (const bad of ['nothing', '=1,2', 'a..b=1', 'x=1,,2', 'x=1,1', 'x={a: 1', 'x=[1, 2']) {
      expect(() => parseParam(bad), bad).toThrow(UsageError)
      expect(() => parseParam(bad), bad).toThrow(/^--param /)
    }
  })

  it('parses seed lists and ranges', () => {
    expect(parseSeeds('1..4')).toEqual([1, 2, 3, 4])
    expect(parseSeeds('7')).toEqual([7])
    expect(parseSeeds('1..3,10, 12')).toEqual([1, 2, 3, 10, 12])
    for (const bad of ['', 'x', '3..1', '1..', '1,1', '-1', '99999999999', '1..1000000'])
      expect(() => parseSeeds(bad), bad).toThrow(/--seeds/)
  })

  it('checks paths against the file: list indices must exist, values have no fields', () => {
    const doc = parseDocument(TINY)
    const ok = ['scene.params.wSchaffer', 'timeline[0].stimulate.protocol', 'clock.dt', 'seed']
    for (const path of ok) expect(() => checkPath(doc, parseParam(`${path}=1`)), path).not.toThrow()
    expect(() => checkPath(doc, parseParam('timeline[1].at=1 s'))).toThrow(/timeline has 1 item .*no \[1\]/)
    expect(() => checkPath(doc, parseParam('timeline.at=1 s'))).toThrow(/timeline is a list/)
    expect(() => checkPath(doc, parseParam('duration.x=1'))).toThrow(/duration is the value "300 ms"/)
    expect(() => checkPath(doc, parseParam('scene[0]=1'))).toThrow(/scene is a mapping/)
  })

  it('writes values into the file and makes the cross product (first parameter slowest)', () => {
    const a = parseParam('scene.params.wSchaffer=0.01,0.04')
    const b = parseParam('clock.dt=0.05 ms,0.1 ms')
    const text = withValues(TINY, [
      { param: a, value: 0.04 },
      { param: b, value: '0.05 ms' },
    ])
    const doc = parseDocument(text).toJS() as Record<string, any>
    expect(doc.scene.params).toEqual({ nCA3: 20, nCA1: 10, nInterneurons: 2, wSchaffer: 0.04 })
    expect(doc.clock).toEqual({ dt: '0.05 ms' })
    expect(doc.timeline).toEqual(parseDocument(TINY).toJS().timeline)
    expect(combinations([a, b])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ])
    expect(combinations([])).toEqual([[]])
  })

  it('quotes CSV fields that need it', () => {
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField(1.5)).toBe('1.5')
    expect(csvField(NaN)).toBe('')
    expect(csvField(null)).toBe('')
  })
})

describe('neuroplast sweep', { timeout: 60_000 }, () => {
  it('2 parameters × 2 seeds on 2 threads: one table, rows equal to `neuroplast run` of each combination', async () => {
    const file = join(tmp, 'tiny.yaml')
    writeFileSync(file, TINY)
    const out = join(tmp, 'sweep')
    const r = cli(
      'sweep', file,
      '--param', 'scene.params.wSchaffer=0.01,0.04',
      '--param', 'timeline[0].stimulate.protocol={ kind: train, freq: 100 Hz, count: 10 },{ kind: train, freq: 50 Hz, count: 5 }',
      '--seeds', '1..2', '--jobs', '2', '--out', out,
    )
    expect(r.stderr).toMatch(/4 combinations × 2 seeds = 8 runs on 2 worker threads/)
    expect(r.stderr).toMatch(/sweep: 8\/8 runs done/) // plain progress lines (not a terminal)
    expect(r.code).toBe(1) // the 5-pulse trains give 50 S1 spikes, not 100
    expect(r.stdout).toMatch(/8 runs .*: 4 pass, 4 fail an expectation; table in /)

    const table = readCsv(readFileSync(join(out, 'sweep.csv'), 'utf8'))
    const [head, ...rows] = table
    expect(head).toEqual([
      'run', 'scene.params.wSchaffer', 'timeline[0].stimulate.protocol', 'seed',
      'S1 follows the train, pulse for pulse (spikes)', 'S1 follows the train, pulse for pulse: pass',
      'CA1 rate during the train (Hz)', 'CA1 rate during the train: pass',
      'pass', 'simulated_ms', 'wall_ms', 'stateHash', 'error',
    ])
    expect(rows).toHaveLength(8)
    const col = (name: string) => head!.indexOf(name)
    expect(rows.map((x) => x[col('run')])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8'])
    expect(rows.map((x) => x[col('scene.params.wSchaffer')])).toEqual(['0.01', '0.01', '0.01', '0.01', '0.04', '0.04', '0.04', '0.04'])
    expect(rows.map((x) => x[col('seed')])).toEqual(['1', '2', '1', '2', '1', '2', '1', '2'])
    expect(rows.map((x) => x[4])).toEqual(['100', '100', '50', '50', '100', '100', '50', '50'])
    expect(rows.map((x) => x[col('pass')])).toEqual(['true', 'true', 'false', 'false', 'true', 'true', 'false', 'false'])
    for (const x of rows) {
      expect(x[col('stateHash')]).toMatch(/^[0-9a-f]{16}$/)
      expect(x[col('error')]).toBe('')
      expect(Number(x[col('wall_ms')])).toBeGreaterThan(0)
    }
    // Every run is a different world: different weights or seeds give different states.
    expect(new Set(rows.map((x) => x[col('stateHash')])).size).toBe(8)
    // Stronger Schaffer synapses drive CA1 harder (same seed, same train).
    const ca1 = (run: number) => Number(rows[run - 1]![col('CA1 rate during the train (Hz)')])
    expect(ca1(5)).toBeGreaterThan(ca1(1))

    const json = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'))
    expect(json).toMatchObject({ scenario: 'tiny sweep', seeds: [1, 2], jobs: 2, runs: 8, failedRuns: 0, pass: false })
    expect(json.params).toEqual([
      { path: 'scene.params.wSchaffer', values: ['0.01', '0.04'] },
      { path: 'timeline[0].stimulate.protocol', values: ['{ kind: train, freq: 100 Hz, count: 10 }', '{ kind: train, freq: 50 Hz, count: 5 }'] },
    ])
    expect(json.rows[6]).toMatchObject({ run: 7, combo: 4, seed: 1, scenarioFile: 'scenarios/combo-4.yaml', stateHash: rows[6]![col('stateHash')] })

    // The same runs alone: the file edited by hand, run with --seed (`neuroplast run`, in this process).
    const alone = async (name: string, w: string, train: string, seed: string) => {
      const f = join(tmp, name)
      writeFileSync(f, TINY.replace('nInterneurons: 2 }', `nInterneurons: 2, wSchaffer: ${w} }`).replace('{ kind: train, freq: 100 Hz, count: 10 }', train))
      const o = join(tmp, `${name}-out`)
      const code = await main(['run', f, '--seed', seed, '--out', o, '--quiet'], QUIET)
      expect([0, 1]).toContain(code)
      return JSON.parse(readFileSync(join(o, 'summary.json'), 'utf8'))
    }
    for (const [run, w, train, seed] of [
      [6, '0.04', '{ kind: train, freq: 100 Hz, count: 10 }', '2'],
      [3, '0.01', '{ kind: train, freq: 50 Hz, count: 5 }', '1'],
    ] as const) {
      const s = await alone(`alone-${run}.yaml`, w, train, seed)
      const row = rows[run - 1]!
      expect(row[col('stateHash')], `run ${run}`).toBe(s.stateHash)
      expect(Number(row[col('CA1 rate during the train (Hz)')])).toBe(s.expectations[1].measured)
      expect(Number(row[4])).toBe(s.expectations[0].measured)
    }
    // …and the written combination file reproduces its rows.
    expect(await main(['run', join(out, 'scenarios', 'combo-4.yaml'), '--seed', '2', '--out', join(tmp, 'again'), '--quiet'], QUIET)).toBe(1)
    expect(JSON.parse(readFileSync(join(tmp, 'again', 'summary.json'), 'utf8')).stateHash).toBe(rows[7]![col('stateHash')])
  })

  it('a run that throws is a row with its error; the other runs go on', async () => {
    const file = join(tmp, 'v.yaml')
    // Neuron 30 exists with 10 CA1 cells (32 neurons) but not with 2 (24 neurons).
    writeFileSync(file, TINY.replace('  ca1: { rate: { population: CA1 pyramidal } }', '  ca1: { rate: { population: CA1 pyramidal } }\n  v30: { v: { neurons: [30] } }'))
    const out = join(tmp, 'throws')
    // In this process (the worker threads load the TypeScript sources themselves).
    const r = { stdout: '', stderr: '', code: 0 }
    r.code = await sweepCommand([file, '--param', 'scene.params.nCA1=10,2', '--jobs', '2', '--out', out], { out: (s) => void (r.stdout += s), err: (s) => void (r.stderr += s) })
    expect(r.code, r.stderr).toBe(1)
    expect(r.stdout).toMatch(/2 runs .*: 1 pass, 1 threw an error/)
    const [head, ok, bad] = readCsv(readFileSync(join(out, 'sweep.csv'), 'utf8'))
    const col = (name: string) => head!.indexOf(name)
    expect(ok![col('pass')]).toBe('true')
    expect(ok![col('error')]).toBe('')
    expect(bad![col('seed')]).toBe('1') // the file's seed
    expect(bad![col('pass')]).toBe('false')
    expect(bad![col('stateHash')]).toBe('')
    expect(bad![col('error')]).toMatch(/combo-2\.yaml:\d+:\d+: probes\.v30\.v\.neurons\[0\]: 30 is not a neuron of this world/)
    const json = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'))
    expect(json.failedRuns).toBe(1)
    expect(json.rows[1]).toMatchObject({ pass: false, error: expect.stringMatching(/not a neuron/) })
  })

  it('bad --param, --seeds or --jobs: exit 2, a message naming the flag, nothing written', async () => {
    const file = join(tmp, 'tiny.yaml')
    writeFileSync(file, TINY)
    const out = join(tmp, 'never')
    const cases: [string[], RegExp][] = [
      [['--param', 'scene.params.wSchaffer=0.01,abc'], /--param scene\.params\.wSchaffer=abc: .*\n\s+scene\.params\.wSchaffer: expected a number, got "abc"/],
      [['--param', 'scene.params.wSchafer=0.01'], /--param scene\.params\.wSchafer=0\.01: .*\n\s+scene\.params\.wSchafer: unknown parameter/],
      [['--param', 'timeline[2].stimulate.protocol=HFS'], /--param timeline\[2\]\.stimulate\.protocol: timeline has 1 item/],
      [['--param', 'timeline[0].stimulate.protocol=HFS,HSF'], /--param timeline\[0\]\.stimulate\.protocol=HSF: [\s\S]*unknown protocol preset "HSF"/],
      [['--param', 'duration=1 s,2'], /--param duration=2: [\s\S]*expected a time with a unit/],
      [['--param', 'scene.params.nCA1'], /--param scene\.params\.nCA1: expected PATH=V1,V2/],
      [['--param', 'scene.params.nCA1=1', '--param', 'scene.params.nCA1=2'], /--param scene\.params\.nCA1 is given twice/],
      [['--param'], /--param needs a value/],
      [['--seeds', '5..1'], /--seeds: the range 5\.\.1 ends before it starts/],
      [['--jobs', 'many'], /--jobs must be a whole number/],
    ]
    for (const [args, message] of cases) {
      // In-process (bad input is found before any worker starts), as the bin would run it.
      const r = { stdout: '', stderr: '', code: 0 }
      r.code = await sweepCommand([file, ...args, '--out', out], { out: (s) => void (r.stdout += s), err: (s) => void (r.stderr += s) })
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(message)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
    expect(existsSync(out)).toBe(false)
  })

  it('the messages docs/scenarios.md shows are the ones the command prints', async () => {
    const doc = readFileSync(join(ROOT, 'docs', 'scenarios.md'), 'utf8')
    for (const args of [['--param', 'scene.params.wSchaffer=0.01,abc'], ['--param', 'timeline[3].stimulate.protocol=HFS']]) {
      let err = ''
      const code = await sweepCommand([join(relative(process.cwd(), ROOT), 'scenes', 'quickstart.yaml').replace(/^\.\//, ''), ...args, '--out', join(tmp, 'never2')], { out: () => {}, err: (s) => void (err += s) })
      expect(code).toBe(2)
      expect(doc, err).toContain(err.trim())
    }
  })
})
