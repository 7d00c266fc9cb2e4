/**
 * The `neuroplast` command, spawned as a user would (bin/neuroplast.mjs): exit codes 0 / 1 / 2,
 * summary.json and probe CSVs, clear messages without stack traces for bad input and nothing
 * written then, and --save-snapshot / --from-snapshot resuming to the same state as a straight run.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')
const BIN = join(ROOT, 'bin', 'neuroplast.mjs')
const QUICKSTART = join(ROOT, 'scenes', 'quickstart.yaml')
let tmp: string

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'neuroplast-cli-'))
})
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

function summaryOf(dir: string): Record<string, any> {
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))
}

/** A quick scenario (0.3 s of a small slice) with one expectation in `range`. */
function scenarioFile(name: string, range: string): string {
  const file = join(tmp, name)
  writeFileSync(
    file,
    `name: small
scene: { builder: hippocampalSlice, params: { nCA3: 20, nCA1: 10, nInterneurons: 2 } }
duration: 300 ms
electrodes:
  A: { x_um: 350, y_um: 255, radius_um: 400, population: CA3 S1 }
timeline:
  - at: 50 ms
    stimulate: { electrode: A, protocol: { kind: train, freq: 100 Hz, count: 10 } }
probes:
  s1: { spikes: { population: CA3 S1 } }
expect:
  - name: pulses
    metric: { probe: s1, reduce: count, window: [0 ms, 200 ms] }
    range: ${range}
`,
  )
  return file
}

describe('neuroplast run', { timeout: 60_000 }, () => {
  it('runs the quickstart: exit 0, summary.json and one CSV per probe', () => {
    const out = join(tmp, 'quick')
    const r = cli('run', QUICKSTART, '--out', out)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/all 7 expectations hold/)
    const s = summaryOf(out)
    expect(s).toMatchObject({ scenario: 'Quickstart — HFS of the Schaffer collaterals', seed: 1, dt_ms: 0.1, simulated_ms: 4000, pass: true })
    expect(s.stateHash).toMatch(/^[0-9a-f]{16}$/)
    expect(s.wall_ms).toBeGreaterThan(0)
    expect(Object.keys(s.metrics)).toEqual(['ca1_rate', 'int_rate', 's1_spikes', 'ca1_spikes', 's1_weight', 's2_weight', 'ca1_v'])
    expect(s.expectations).toHaveLength(7)
    for (const x of s.expectations) {
      expect(Object.keys(x)).toEqual(expect.arrayContaining(['name', 'expected', 'measured', 'pass']))
      expect(x.pass).toBe(true)
    }
    const files = readdirSync(out).sort()
    expect(files).toEqual(['ca1_rate.csv', 'ca1_spikes.csv', 'ca1_v.csv', 'figures', 'int_rate.csv', 'report.html', 's1_spikes.csv', 's1_weight.csv', 's2_weight.csv', 'summary.json'])
    const rate = readFileSync(join(out, 'ca1_rate.csv'), 'utf8').trim().split('\n')
    expect(rate[0]).toBe('t_ms,rate_Hz,spikes,neurons')
    expect(rate).toHaveLength(401) // 4 s in 10 ms bins, plus the header
  })

  it('exit 1 when an expectation fails, with the seed and duration given', () => {
    const out = join(tmp, 'fail')
    const r = cli('run', scenarioFile('fail.yaml', '[0, 5]'), '--out', out, '--seed', '7', '--duration-ms', '200')
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/FAIL pulses: 100 spikes \(expected in \[0, 5\]\)/)
    const s = summaryOf(out)
    expect(s).toMatchObject({ seed: 7, simulated_ms: 200, pass: false })
    expect(s.expectations[0]).toMatchObject({ name: 'pulses', measured: 100, pass: false, expected: 'in [0, 5]' })
  })

  it('exit 2 for bad input, with the file, position and reason, no stack trace, nothing written', () => {
    const good = scenarioFile('good.yaml', '[100, 100]')
    const bad = join(tmp, 'bad.yaml')
    writeFileSync(bad, readFileSync(good, 'utf8').replace('duration: 300 ms', 'duration: 300 msec'))
    const garbage = join(tmp, 'garbage.snap')
    writeFileSync(garbage, 'not a snapshot at all')
    const out = join(tmp, 'never')
    const cases: [string[], RegExp][] = [
      [['run', bad, '--out', out], new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:11: duration: unknown time unit "msec"`)],
      [['run', join(tmp, 'missing.yaml'), '--out', out], /missing\.yaml: cannot read the scenario: no such file/],
      [['run', good, '--out', out, '--seed', 'abc'], /--seed must be a whole number/],
      [['run', good, '--out', out, '--duration-ms', '-5'], /--duration-ms must be a positive number/],
      [['run', good, '--out', out, '--frobnicate'], /unknown option --frobnicate/],
      [['run', good], /missing --out DIR/],
      [['run', good, '--out', out, '--from-snapshot', garbage], /garbage\.snap: cannot resume from this snapshot: /],
      [['run', good, '--out', out, '--from-snapshot', join(tmp, 'none.snap')], /none\.snap: cannot read the snapshot: no such file/],
      [['walk'], /unknown command "walk"/],
    ]
    for (const [args, message] of cases) {
      const r = cli(...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(r.stderr).not.toMatch(/\n\s+at /) // no stack trace
      expect(r.stdout).toBe('')
    }
    expect(existsSync(out)).toBe(false)
  })

  it('--save-snapshot then --from-snapshot reaches the state of a straight run', () => {
    const file = scenarioFile('resume.yaml', '[100, 100]')
    const straight = cli('run', file, '--out', join(tmp, 'straight'))
    expect(straight.code).toBe(0)
    const snap = join(tmp, 'half.snap')
    const first = cli('run', file, '--out', join(tmp, 'first'), '--duration-ms', '100', '--save-snapshot', snap)
    expect(first.code).toBe(1) // its window is not over yet
    expect(existsSync(snap)).toBe(true)
    const second = cli('run', file, '--out', join(tmp, 'second'), '--from-snapshot', snap)
    expect(second.stderr).toBe('')
    const a = summaryOf(join(tmp, 'straight'))
    const b = summaryOf(join(tmp, 'second'))
    expect(b).toMatchObject({ start_ms: 100, end_ms: 300, simulated_ms: 200 })
    expect(b.stateHash).toBe(a.stateHash)
    expect(summaryOf(join(tmp, 'first')).stateHash).not.toBe(a.stateHash)
  })

  it('prints help', () => {
    const top = cli('--help')
    expect(top.code).toBe(0)
    expect(top.stdout).toMatch(/Usage: neuroplast <command>/)
    const run = cli('run', '--help')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/--from-snapshot FILE/)
    const check = cli('check', QUICKSTART)
    expect([check.code, check.stdout]).toEqual([0, expect.stringMatching(/quickstart\.yaml: ok/)])
  })

  it('works as `npm run sim` does (node --import tsx src/cli/main.ts)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', '--version'], { cwd: ROOT, encoding: 'utf8' })
    expect([r.status, r.stdout]).toEqual([0, expect.stringMatching(/^neuroplast \d+\.\d+\.\d+/)])
  })
})
