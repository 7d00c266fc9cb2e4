/**
 * The shipped example and teaching scenarios (scenes/examples/*.yaml) check themselves: every file
 * parses, names the JSON Schema on its first line, has a description and expectations, and resolves
 * against its scene; the short ones run to the end here and every expectation must hold. The long
 * ones (15 min of slice or synapse time) run a shortened smoke run: the expectations whose windows
 * fall inside it must hold, plus, where none do, the direction of the change the file teaches.
 * Every file runs in full unless it is listed below as long (SHORT) or as run elsewhere (ELSEWHERE),
 * so a new example is checked without touching this test — keep examples short, or list them.
 */
import { describe, it, expect } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseScenario } from '../src/scenario/parse.ts'
import { resolveScenario } from '../src/scenario/resolve.ts'
import { createRun, type Run } from '../src/scenario/runner.ts'
import type { Scenario } from '../src/scenario/types.ts'
import { SCENES } from '../scenes/index.ts'

const ROOT = resolve(import.meta.dirname, '..')
const DIR = 'scenes/examples'
const FILES = readdirSync(join(ROOT, DIR))
  .filter((f) => f.endsWith('.yaml'))
  .sort()

/** Long: a smoke run of this many ms of scenario time (the whole file runs from the CLI in ≈ 15–60 s). */
const SHORT: Record<string, number> = { 'frequency-dependence.yaml': 21_000, 'ltd-lfs.yaml': 30_000 }
/** Large networks, run (at reduced size) by test/scenario.test.ts; parsed and resolved here. */
const ELSEWHERE = ['corticalSheet.yaml', 'izhikevich2003.yaml']
/** Everything else runs to the end here; every expectation must hold. */
const FULL = FILES.filter((f) => !(f in SHORT) && !ELSEWHERE.includes(f))

const load = (f: string): Scenario => parseScenario(readFileSync(join(ROOT, DIR, f), 'utf8'), join(DIR, f))

function runToEnd(run: Run): Run {
  while (!run.done) run.advance(1e6)
  return run
}

/** "name: measured (expected …) note" for each failed expectation. */
function failures(run: Run, names?: Set<string>) {
  return run
    .summary(0)
    .expectations.filter((x) => (!names || names.has(x.name)) && !x.pass)
    .map((x) => `${x.name}: ${x.measured} (expected ${x.expected})${x.note ? ` — ${x.note}` : ''}`)
}

/** Mean of a weight probe over [from, to) ms in one line of the run (main or a variant). */
function meanWeight(run: Run, line: string, probe: string, from_ms: number, to_ms: number): number {
  const recs = line === 'main' ? run.recorders : run.variants.find((v) => v.name === line)?.recorders
  const rec = recs?.find((r) => r.def.name === probe)
  if (!rec) throw new Error(`no probe ${probe} in line ${line}`)
  return rec.reduce('mean', from_ms, to_ms).value
}

describe('scenes/examples', () => {
  it('the files listed here exist, and the teaching scenarios run in full', () => {
    for (const f of [...Object.keys(SHORT), ...ELSEWHERE]) expect(FILES, `${f} is listed but not in ${DIR}`).toContain(f)
    for (const f of ['distal-reward.yaml', 'homeostatic-scaling.yaml', 'ltp-nmda.yaml', 'stdp-pairing.yaml', 'tagging-capture.yaml']) expect(FULL).toContain(f)
  })

  it.each(FILES)('%s parses, has a description and expectations, and resolves', (f) => {
    const text = readFileSync(join(ROOT, DIR, f), 'utf8')
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../scenario.schema.json')
    const sc = load(f)
    expect(sc.description.length, 'a description for the reader').toBeGreaterThan(40)
    expect(sc.expect.length).toBeGreaterThan(0)
    expect(() => resolveScenario(sc, SCENES)).not.toThrow()
  })

  it.each(FULL)('%s runs to the end and every expectation holds', (f) => {
    const run = runToEnd(createRun(load(f), { scenes: SCENES }))
    expect(failures(run)).toEqual([])
  }, 90_000)

  it.each(Object.entries(SHORT))('%s: a %i ms smoke run holds the expectations it reaches', (f, duration_ms) => {
    const sc = load(f)
    const run = runToEnd(createRun(sc, { scenes: SCENES, duration_ms }))
    const inside = new Set(sc.expect.filter((x) => x.window_ms[1] <= duration_ms && (!x.relativeTo_ms || x.relativeTo_ms[1] <= duration_ms)).map((x) => x.name))
    expect(failures(run, inside)).toEqual([])
    if (f === 'frequency-dependence.yaml') {
      // the 50 Hz train (ends at 18.08 s) and its APV control are inside the smoke run
      expect(inside.size).toBeGreaterThanOrEqual(3)
    }
    if (f === 'ltd-lfs.yaml') {
      // No window of the file ends within 30 s; the direction it teaches already shows after ≈ 30
      // of the 900 pulses: S1 weakens in the control (the rule's Ω ≈ 0 in the LTD calcium band)
      // and stays within ± 5 % under APV (the file's APV range).
      const before = meanWeight(run, 'main', 'wS1', 0, 500)
      expect(meanWeight(run, 'main', 'wS1', 29_000, 30_000) / before).toBeLessThan(0.99)
      const apv = meanWeight(run, 'APV', 'wS1', 29_000, 30_000) / before
      expect(apv).toBeGreaterThan(0.95)
      expect(apv).toBeLessThan(1.05)
    }
  }, 90_000)
})
