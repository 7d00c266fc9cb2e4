/**
 * `neuroplast validate` (src/cli/validate.ts), the validation scenarios (scenes/validation/), their
 * scene (scenes/plasticPairs.ts) and the two scenario additions they need: the weight probe's
 * `settled` option and the metric's `compare: difference`.
 *
 * The quick tier is spawned as a user would run it (bin/neuroplast.mjs). Its measured values are
 * checked against numbers computed here, independently of the scenario files' ranges: item 3
 * against the closed-form STDP window of the "additive" rule's own parameters, item 4 against the
 * paper's values and the analytic mean-field prediction (systems/calciumMeanField.ts).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseScenario, ScenarioError } from '../src/scenario/parse.ts'
import { createRun } from '../src/scenario/runner.ts'
import { SCENES } from '../scenes/index.ts'
import { plasticPairs } from '../scenes/plasticPairs.ts'
import { createSim } from '../src/engine/world.ts'
import { STDP_RULES } from '../components/plasticity.ts'
import { CALCIUM_RULES } from '../components/calcium.ts'
import { meanFieldPairing } from '../systems/calciumMeanField.ts'
import { curveSvg, dtCurve, itemOf, median, type CheckRow, type ValidationReport } from '../src/cli/validate.ts'

const ROOT = resolve(import.meta.dirname, '..')
const BIN = join(ROOT, 'bin', 'neuroplast.mjs')
let tmp: string

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  // The quick tier runs every quick validation scenario (≈ 30 s of CPU; minutes on a loaded machine).
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'neuroplast-validate-'))
})
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

describe('neuroplast validate (quick tier)', () => {
  let run: ReturnType<typeof cli>
  let report: ValidationReport
  const out = () => join(tmp, 'quick')

  beforeAll(() => {
    run = cli('validate', '--out', out())
    report = JSON.parse(readFileSync(join(out(), 'validation-report.json'), 'utf8'))
  }, 600_000)

  it('passes, prints the table and writes the report, markdown and figures', () => {
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const lines = run.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^item\s+metric\s+expected\s+measured\s+pass$/)
    // Every quick-tier file of scenes/validation runs (one seed), every full-tier one is left out.
    const files = readdirSync(join(ROOT, 'scenes', 'validation')).filter((f) => f.endsWith('.yaml')).sort()
    const tierOf = (f: string) => parseScenario(readFileSync(join(ROOT, 'scenes', 'validation', f), 'utf8'), f).tier
    const quick = files.filter((f) => tierOf(f) === 'quick')
    const full = files.filter((f) => tierOf(f) === 'full')
    expect(quick.length).toBeGreaterThan(2)
    expect(lines.at(-1)).toMatch(new RegExp(`^all \\d+ checks pass \\(quick tier, ${quick.length} scenarios${full.length ? `; ${full.length} full-tier scenarios? left out` : ''}`))
    expect(report.tier).toBe('quick')
    expect(report.pass).toBe(true)
    expect(report.scenarios.map((s) => s.file.split('/').at(-1)).sort()).toEqual(quick)
    expect(report.scenarios.every((s) => s.seeds.length === 1)).toBe(true)
    expect(report.skipped.map((f) => f.split('/').at(-1)).sort()).toEqual(full)
    expect(lines.length).toBe(2 + report.checks.length + 1)
    for (const c of report.checks) expect(run.stdout).toContain(c.name)
    const md = readFileSync(join(out(), 'validation.md'), 'utf8')
    expect(md).toContain('| item | metric | expected | measured | pass |')
    expect(md.split('\n').filter((l) => /^\| \d+[a-z]? \|/.test(l))).toHaveLength(report.checks.length)
    expect(report.figures.slice(0, 2)).toEqual(['validation-item3-stdp-window.svg', 'validation-item4-graupner-brunel-dp.svg'])
    const svg = readFileSync(join(out(), report.figures[0]!), 'utf8')
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg.match(/<circle /g)).toHaveLength(8)
  })

  it('every pair fired exactly its 60 forced spikes', () => {
    const spikes = report.checks.filter((c) => /forced spikes/.test(c.name) && ['3', '4'].includes(c.item))
    expect(spikes.map((c) => [c.item, c.measured])).toEqual([['3', 480], ['3', 480], ['4', 240], ['4', 240]])
  })

  it('item 3: Δw within 1 % of 60·A+·e^(−Δt/τ+) / −60·A−·e^(Δt/τ−) of the "additive" rule, at ±5, ±10, ±20, ±40 ms', () => {
    const r = STDP_RULES.find((x) => x.name === 'additive')!
    expect([r.Aplus, r.Aminus / r.Aplus, r.tauPlus_ms, r.tauMinus_ms, r.weightDependence]).toEqual([0.005, 1.05, 20, 20, 'additive'])
    const rows = report.checks.filter((c) => c.item === '3' && /Δt/.test(c.name))
    const dts = rows.map((c) => Number(/Δt = ([+-]\d+) ms/.exec(c.name)![1]))
    expect(dts).toEqual([-40, -20, -10, -5, 5, 10, 20, 40])
    rows.forEach((c, i) => {
      const dt = dts[i]!
      const expected = dt > 0 ? 60 * r.Aplus * Math.exp(-dt / r.tauPlus_ms) : -60 * r.Aminus * Math.exp(dt / r.tauMinus_ms)
      expect(c.pass).toBe(true)
      expect(Math.abs(c.measured! - expected)).toBeLessThanOrEqual(0.01 * Math.abs(expected))
    })
  })

  it('item 4: w_after/w_before of the DP set within 0.04 of the paper and of the mean-field prediction', () => {
    const DP = CALCIUM_RULES.find((x) => x.name === 'DP')!
    const paper: Record<number, number> = { 10: 1.221, [-20]: 0.767, 100: 1, [-100]: 1 }
    const rows = report.checks.filter((c) => c.item === '4' && /Δt/.test(c.name))
    expect(rows).toHaveLength(4)
    for (const c of rows) {
      const dt = Number(/Δt = ([+-]\d+) ms/.exec(c.name)![1])
      expect(c.pass).toBe(true)
      expect(Math.abs(c.measured! - paper[dt]!)).toBeLessThanOrEqual(0.04)
      expect(Math.abs(c.measured! - meanFieldPairing(DP, dt, 1, 60).ratio)).toBeLessThanOrEqual(0.04)
    }
    // Potentiation and depression really happened (not a protocol that did nothing).
    expect(rows[0]!.measured!).toBeGreaterThan(1.15)
    expect(rows[1]!.measured!).toBeLessThan(0.85)
  })
})

describe('neuroplast validate: failures and bad input', () => {
  /** A one-pair STDP scenario (2 s) expecting Δw in `range` at Δt = +10 ms (3 pairings). */
  function scenarioDir(name: string, range: string): string {
    const dir = join(tmp, name)
    mkdirSync(dir, { recursive: true })
    writeFileSync(
      join(dir, 'item99-small.yaml'),
      `name: small STDP check
scene: { builder: plasticPairs, params: { nPairs: 1, rule: additive } }
duration: 3.3 s
electrodes:
  pre:  { x_um: 50, y_um: 50, radius_um: 5 }
  post: { x_um: 50, y_um: 150, radius_um: 5 }
timeline:
  - { at: 100 ms, pair: { pre: pre, post: post, dt: 10 ms, freq: 1 Hz, count: 3 } }
probes:
  w: { weight: { pathway: pair0, every: 100 ms } }
expect:
  - name: "Δw at Δt = +10 ms"
    metric: { probe: w, reduce: mean, window: [3.2 s, 3.3 s], relativeTo: [0 ms, 100 ms], compare: difference }
    range: ${range}
`,
    )
    return dir
  }

  it('exits 1 with FAIL in the table and pass: false in the report when a check fails', () => {
    const expected = 3 * 0.005 * Math.exp(-0.5)
    const good = cli('validate', '--dir', scenarioDir('good', `[${expected * 0.999}, ${expected * 1.001}]`), '--out', join(tmp, 'good-out'))
    expect(good.code).toBe(0)
    const bad = cli('validate', '--dir', scenarioDir('bad', `[${expected * 1.01}, ${expected * 1.02}]`), '--out', join(tmp, 'bad-out'))
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/^99\s+Δw at Δt = \+10 ms\s+in \[.*\]\s+0\.0090\d*\s+FAIL$/m)
    expect(bad.stdout).toContain('1 of 1 checks FAIL')
    const report = JSON.parse(readFileSync(join(tmp, 'bad-out', 'validation-report.json'), 'utf8')) as ValidationReport
    expect(report.pass).toBe(false)
    expect(report.checks[0]!.pass).toBe(false)
  })

  it('--merge joins the reports of separate runs into one (all or nothing); a scenario twice is refused', () => {
    const expected = 3 * 0.005 * Math.exp(-0.5)
    const a = scenarioDir('merge-a', `[${expected * 0.999}, ${expected * 1.001}]`)
    const b = scenarioDir('merge-b', `[${expected * 1.01}, ${expected * 1.02}]`)
    writeFileSync(join(b, 'item98-small.yaml'), readFileSync(join(b, 'item99-small.yaml'), 'utf8'))
    rmSync(join(b, 'item99-small.yaml'))
    expect(cli('validate', '--dir', a, '--out', join(tmp, 'ra')).code).toBe(0)
    expect(cli('validate', '--dir', b, '--out', join(tmp, 'rb')).code).toBe(1)
    const m = cli('validate', '--merge', `${join(tmp, 'ra')},${join(tmp, 'rb')}`, '--out', join(tmp, 'rm'))
    expect(m.code).toBe(1) // one of the two failed
    const merged = JSON.parse(readFileSync(join(tmp, 'rm', 'validation-report.json'), 'utf8')) as ValidationReport
    expect(merged.scenarios.map((x) => x.item)).toEqual(['98', '99'])
    expect(merged.checks.map((c) => [c.item, c.pass])).toEqual([['98', false], ['99', true]])
    expect(merged.figures).toEqual([])
    expect(m.stdout).toMatch(/merged 2 scenarios: 1 of 2 checks FAIL \(quick tier\)/)
    const twice = cli('validate', '--merge', `${join(tmp, 'ra')},${join(tmp, 'ra')}`, '--out', join(tmp, 'rt'))
    expect(twice.code).toBe(2)
    expect(twice.stderr).toMatch(/item99-small\.yaml is in both/)
    expect(existsSync(join(tmp, 'rt'))).toBe(false)
  })

  it('--full runs 5 seeds and judges the median', () => {
    const expected = 3 * 0.005 * Math.exp(-0.5)
    const r = cli('validate', '--full', '--dir', scenarioDir('full', `[${expected * 0.999}, ${expected * 1.001}]`), '--out', join(tmp, 'full-out'))
    expect(r.code).toBe(0)
    const report = JSON.parse(readFileSync(join(tmp, 'full-out', 'validation-report.json'), 'utf8')) as ValidationReport
    expect(report.tier).toBe('full')
    expect(report.scenarios[0]!.seeds).toEqual([1, 2, 3, 4, 5])
    expect(report.checks[0]!.perSeed).toHaveLength(5)
  })

  it('--only picks scenarios by item, name or prefix; unknown names and options are usage errors (exit 2), nothing written', () => {
    const only = cli('validate', '--only', '3', '--out', join(tmp, 'only'))
    expect(only.code).toBe(0)
    const report = JSON.parse(readFileSync(join(tmp, 'only', 'validation-report.json'), 'utf8')) as ValidationReport
    expect(report.scenarios.map((s) => s.item)).toEqual(['3'])
    const nope = cli('validate', '--only', '3', 'nope', '--out', join(tmp, 'nope'))
    expect(nope.code).toBe(2)
    expect(nope.stderr).toMatch(/--only: no validation scenario "nope" \(scenarios: item3-stdp-window, item4-graupner-brunel-dp, item5-/)
    expect(existsSync(join(tmp, 'nope'))).toBe(false)
    expect(cli('validate', '--bogus').code).toBe(2)
    const stray = cli('validate', 'item3')
    expect(stray.code).toBe(2)
    expect(stray.stderr).toMatch(/unexpected argument item3 \(to pick scenarios: --only NAME…\)/)
    const missing = cli('validate', '--dir', join(tmp, 'no-such-dir'), '--out', join(tmp, 'x'))
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/no-such-dir: cannot list the validation scenarios: no such directory/)
  })

  it('a bad scenario file is reported with its file, line and field (exit 2), before anything runs', () => {
    const dir = join(tmp, 'broken')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'item98-broken.yaml'), 'name: broken\nscene: { builder: plasticPairs }\nduration: 1 s\nprobes:\n  w: { weight: { settled: yes } }\n')
    const r = cli('validate', '--dir', dir, '--out', join(tmp, 'broken-out'))
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/item98-broken\.yaml:5:\d+: probes\.w\.weight\.settled: expected true or false/)
    expect(readdirSync(tmp)).not.toContain('broken-out')
  })

  it('help', () => {
    const r = cli('help', 'validate')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage: neuroplast validate \[--full\] \[--only NAME…\] \[--out DIR\]/)
    expect(cli('--help').stdout).toMatch(/validate \[--full\]/)
  })
})

describe('scenario additions and helpers', () => {
  const yaml = (extra: string) => `name: t
scene: { builder: plasticPairs, params: { nPairs: 1, synapsesPerPair: 4, rule: DP } }
duration: 300 ms
probes:
  w:  { weight: { every: 100 ms } }
  ws: { weight: { every: 100 ms, settled: true } }
${extra}`

  it('weight probe "settled": each calcium synapse at its final state (UP iff ρ > ρ*)', () => {
    const sc = parseScenario(
      yaml(`expect:
  - { name: diff, metric: { probe: ws, reduce: mean, window: [200 ms, 300 ms], relativeTo: [0 ms, 100 ms], compare: difference }, range: [null, null] }
  - { name: ratio, metric: { probe: ws, reduce: mean, window: [200 ms, 300 ms], relativeTo: [0 ms, 100 ms] }, range: [null, null] }
`),
      't.yaml',
    )
    expect(sc.probes[1]).toMatchObject({ kind: 'weight', settled: true })
    expect(sc.expect.map((x) => x.compare)).toEqual(['difference', undefined])
    const run = createRun(sc, { scenes: SCENES })
    // β = ½ of 4: synapses 1, 2 DOWN (w = 1e-5), 3, 4 UP (w = 5e-5). Move their efficacies by hand,
    // rescaling the weight as the rule does (w = w0·(1 + 4ρ)), to 0.4, 0.6 (DOWN ones), 0.45, 0.9.
    const S = run.sim.components.Synapse
    const C = run.sim.components.Calcium
    const syn = [1, 2, 3, 4].map((k) => k + 2) // neurons take ids 1 and 2
    expect(syn.map((s) => C.rule[s])).toEqual([1, 1, 1, 1])
    expect(syn.map((s) => C.rho[s])).toEqual([0, 0, 1, 1])
    run.advance(1500)
    const rho = [0.4, 0.6, 0.45, 0.9]
    syn.forEach((s, k) => {
      S.weight[s] = Math.fround(1e-5 * (1 + 4 * rho[k]!))
      C.rho[s] = rho[k]!
    })
    while (!run.done) run.advance(1000)
    const s = run.summary(0)
    const before = (2 * 1e-5 + 2 * 5e-5) / 4
    const settled = (1e-5 + 5e-5 + 1e-5 + 5e-5) / 4 // 0.4 → DOWN, 0.6 → UP, 0.45 → DOWN, 0.9 → UP
    expect(s.expectations[0]!.measured!).toBeCloseTo(settled - before, 10)
    expect(s.expectations[1]!.measured!).toBeCloseTo(settled / before, 5)
    expect(s.expectations[0]!.unit).toBe('weight')
    expect(s.expectations[0]!.metric).toMatch(/ − mean over/)
    expect(s.expectations[1]!.unit).toBe('ratio')
    // Without "settled" the probe reads the weights as they are.
    expect(s.metrics.w!.max).toBeCloseTo((1e-5 * (1 + 1.6 + 1 + 2.4 + 1 + 1.8 + 1 + 3.6)) / 4, 10)
  })

  it('compare needs relativeTo; bad values are located', () => {
    const noBase = () => parseScenario(yaml('expect:\n  - { name: x, metric: { probe: w, reduce: mean, window: [0 ms, 100 ms], compare: difference }, range: [0, 1] }\n'), 't.yaml')
    expect(noBase).toThrow(ScenarioError)
    expect(noBase).toThrow(/t\.yaml:8:\d+: expect\[0\]\.metric\.compare: compare needs relativeTo/)
    expect(() => parseScenario(yaml('expect:\n  - { name: x, metric: { probe: w, reduce: mean, window: [0 ms, 100 ms], relativeTo: [0 ms, 100 ms], compare: sum }, range: [0, 1] }\n'), 't.yaml')).toThrow(
      /expect\[0\]\.metric\.compare: expected one of "ratio", "difference"/,
    )
  })

  it('plasticPairs: layout, pathways, rules by name (STDP or calcium), bad parameters named', () => {
    const scene = plasticPairs({ nPairs: 3, synapsesPerPair: 5, rule: 'DP' })
    expect(scene.params!.pathways).toEqual(['none', 'pair0', 'pair1', 'pair2'])
    expect([scene.params!.width_um, scene.params!.height_um]).toEqual([300, 200])
    const sim = createSim(scene, 1)
    expect(sim.synapseCount).toBe(15)
    const C = sim.components.Calcium
    const S = sim.components.Synapse
    const ofPair = [3, 4, 5, 6, 7].map((k) => k) // first pair: neurons 1, 2; synapses 3–7
    expect(ofPair.map((s) => [C.rho[s], S.pathway[s]])).toEqual([[0, 1], [0, 1], [0, 1], [1, 1], [1, 1]]) // round(0.5 · 5) = 3 DOWN (β = ½)
    expect(ofPair.map((s) => S.weight[s])).toEqual([1e-5, 1e-5, 1e-5, 5e-5, 5e-5].map(Math.fround))
    const stdp = createSim(plasticPairs({ nPairs: 2, rule: 'additive' }), 1)
    const P = stdp.components.Plasticity
    expect([P.rule[3], stdp.components.Synapse.weight[3]]).toEqual([1, 0.5])
    expect(() => plasticPairs({ rule: 'nope' })).toThrow(/scene parameter "rule": expected an STDP rule \(additive, .*\) or a calcium rule \(DP, .*\), got "nope"/)
    expect(() => plasticPairs({ nPairs: 1.5 })).toThrow(/scene parameter "nPairs": expected a whole number/)
    expect(() => plasticPairs({ typo: 1 })).toThrow(/scene parameter "typo": unknown parameter/)
  })

  it('helpers: item numbers, median, Δt curves, SVG', () => {
    expect(itemOf('scenes/validation/item3-stdp-window.yaml')).toBe('3')
    expect(itemOf('item12b-x.yaml')).toBe('12b')
    expect(itemOf('other.yaml')).toBe('other')
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 2, 3])).toBe(2.5)
    expect(median([1, null, 3])).toBeNull()
    const row = (name: string, measured: number | null): CheckRow => ({
      item: '3', scenario: 's', file: 'f', name, metric: 'm', expected: 'e', range: [0, 1], unit: 'weight', measured, perSeed: [measured], pass: true,
    })
    const curve = dtCurve([row('spikes', 5), row('Δw at Δt = +10 ms', 0.5), row('Δw at Δt = -5 ms', null)])!
    expect(curve.points.map((p) => [p.x, p.y])).toEqual([[-5, null], [10, 0.5]])
    expect(dtCurve([row('spikes', 5), row('Δw at Δt = +10 ms', 0.5)])).toBeUndefined()
    const svg = curveSvg(curve.points, { title: 'a < b', xLabel: 'x', yLabel: 'y' })
    expect(svg).toContain('a &lt; b')
    expect(svg.match(/<circle /g)).toHaveLength(1)
  })
})
