/**
 * Fuzzing the scenario parser (fast-check): whatever text it is given — YAML-ish token soup, raw
 * strings, the shipped scenarios (scenes/**\/*.yaml) with their text cut, spliced and duplicated, or
 * with values, keys and entries of their data replaced — `parseScenario` (and the scene check of
 * `neuroplast check`, `resolveScenario`) either accepts it or throws a `ScenarioError` whose every
 * issue has a line and column inside the file and a reason, and whose message is
 * "file:line:col: …". Nothing else may escape (a TypeError, a RangeError from the YAML library, an
 * Error from a unit parser …).
 *
 * Bounded: a fixed seed and a few hundred cases per property (FUZZ_SEED / FUZZ_RUNS override them
 * for a longer hunt: FUZZ_RUNS=20000 npx vitest run test/fuzz.test.ts), and each property stops
 * after a time limit, so the file takes a few seconds in `npm test`.
 */
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest'
import fc from 'fast-check'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { parse as parseYaml, stringify } from 'yaml'
import { parseScenario, ScenarioError } from '../src/scenario/parse.ts'
import { resolveScenario } from '../src/scenario/resolve.ts'
import { SCENES } from '../scenes/index.ts'

const ROOT = resolve(import.meta.dirname, '..')
const SEED = Number(process.env.FUZZ_SEED ?? 20261123)
const RUNS = Number(process.env.FUZZ_RUNS ?? 500)
/** Per property (ms): the run stops there, passing if no counterexample was found so far. */
const TIME_LIMIT = Number(process.env.FUZZ_TIME_LIMIT ?? (process.env.FUZZ_RUNS ? 600_000 : 3_500))
const OPTIONS = { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT, markInterruptAsFailure: false }

function shippedScenarios(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name)
      if (statSync(p).isDirectory()) walk(p)
      else if (name.endsWith('.yaml')) out.push({ file: relative(ROOT, p), text: readFileSync(p, 'utf8') })
    }
  }
  walk(join(ROOT, 'scenes'))
  return out
}

const SHIPPED = shippedScenarios()

/** Parse and check as `neuroplast check` does; anything but a well-formed ScenarioError fails. */
function accepts(text: string, file = 'fuzz.yaml'): boolean {
  try {
    resolveScenario(parseScenario(text, file), SCENES)
    return true
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw new Error(`not a ScenarioError: ${(e as Error)?.stack ?? String(e)}\n--- text ---\n${text}`)
    const lines = text.split(/\r\n|\r|\n/).length
    expect(e.issues.length).toBeGreaterThan(0)
    for (const i of e.issues) {
      expect(i.line, e.message).toBeGreaterThanOrEqual(1)
      expect(i.line, e.message).toBeLessThanOrEqual(lines + 1)
      expect(i.column, e.message).toBeGreaterThanOrEqual(1)
      expect(i.reason.trim().length, e.message).toBeGreaterThan(0)
      expect(i.reason).not.toMatch(/\[object Object\]|\bundefined\b/)
    }
    const first = e.message.split('\n')[0]!
    expect(first.startsWith(`${file}:${e.line}:${e.column}: `), first).toBe(true)
    return false
  }
}

// Pieces of YAML and of the scenario language, to build text the parser has to think about.
const TOKENS = [
  ':', ': ', '- ', '-', '  ', '    ', '\n', '\n  ', '\n- ', '\t', '{', '}', '[', ']', ',', '"', "'", '#', '&a ', '*a', '&b ', '*b',
  '!!str ', '!!int ', '!!float ', '!!map ', '!!seq ', '!!binary ', '!foo ', '<<: *a', '<<: ', '? ', '|', '|-', '>', '---\n', '...\n',
  '%YAML 1.2\n', '%TAG ! tag:x,2000:\n', '.inf', '-.inf', '.nan', 'null', '~', 'true', 'no', '0x1F', '0o17', '1e309', '-0', '1e400 ms',
  '500 ms', '1 s', '-10 ms', '2 sec', '100 Hz', '5 uM', ' ms', '__proto__', 'constructor', 'toString', 'name', 'description', 'scene',
  'builder', 'params', 'seed', 'duration', 'clock', 'dt', 'electrodes', 'x_um', 'radius_um', 'population', 'mode', 'timeline', 'at',
  'stimulate', 'electrode', 'protocol', 'pair', 'pre', 'post', 'freq', 'count', 'drug', 'apply', 'wash', 'advance', 'probes', 'rate',
  'bin', 'v', 'neurons', 'spikes', 'weight', 'pathway', 'expect', 'metric', 'probe', 'reduce', 'window', 'relativeTo', 'range',
  'hippocampalSlice', 'corticalSheet', 'HFS', 'kind', 'train', 'CA3 S1', '\u0000', '\uFEFF', '\u2028', '\r', '😀', 'é',
]
const token = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TOKENS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
)
const yamlish = fc.array(token, { maxLength: 80 }).map((parts) => parts.join(''))

/** Text edits: replace, insert, duplicate a line, or truncate, at arbitrary places. */
const textEdit = fc.record({ pos: fc.nat(), len: fc.nat({ max: 24 }), insert: fc.oneof(token, fc.constant('')), kind: fc.nat({ max: 3 }) })
function editText(text: string, edits: { pos: number; len: number; insert: string; kind: number }[]): string {
  let t = text
  for (const e of edits) {
    const at = t.length ? e.pos % t.length : 0
    if (e.kind === 0) t = t.slice(0, at) + e.insert + t.slice(at + e.len)
    else if (e.kind === 1) t = t.slice(0, at) + e.insert + t.slice(at)
    else if (e.kind === 2) {
      const lines = t.split('\n')
      const i = at % lines.length
      lines.splice(i, 0, lines[(i + e.len) % lines.length]!)
      t = lines.join('\n')
    } else t = t.slice(0, at)
  }
  return t
}

type Key = string | number
function pathsOf(t: unknown, p: Key[] = [], out: Key[][] = []): Key[][] {
  out.push(p)
  if (Array.isArray(t)) t.forEach((x, i) => pathsOf(x, [...p, i], out))
  else if (t && typeof t === 'object') for (const k of Object.keys(t)) pathsOf((t as Record<string, unknown>)[k], [...p, k], out)
  return out
}
/** A copy of `t` with the node at `p` replaced (mode 0), deleted (1), or given a sibling key (2). */
function changed(t: unknown, p: Key[], v: unknown, mode: number): unknown {
  if (p.length === 0) return v
  const c: any = Array.isArray(t) ? [...t] : { ...(t as object) }
  const [k, ...rest] = p
  if (rest.length) c[k!] = changed(c[k!], rest, v, mode)
  else if (mode === 1) Array.isArray(c) ? c.splice(k as number, 1) : delete c[k!]
  else if (mode === 2 && !Array.isArray(c)) c[String(v).slice(0, 12) || 'key'] = v
  else c[k!] = v
  return c
}
const value = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 0.5, 1e309, -1e309, Number.NaN, 2 ** 32, 2 ** 53 + 1, '', 'x', '0 ms', '-1 s', '1e400 ms', '2 sec', '100 Hz', 'HFS', 'CA3 S1', '__proto__', {}, [], [1], ['1 s', '2 s'], { kind: 'train' }),
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 8 }),
)
const SHIPPED_DATA = SHIPPED.flatMap((s) => {
  try {
    return [parseYaml(s.text) as unknown]
  } catch {
    return [] // a file that is not YAML at all is another test's business (schemaExport, validate)
  }
})

/** Warnings the YAML library would print on its own (it logs some problems instead of reporting them). */
const yamlWarnings: string[] = []

describe('scenario parser fuzzing', { timeout: process.env.FUZZ_RUNS ? 3_600_000 : 60_000 }, () => {
  beforeAll(() => {
    vi.spyOn(process, 'emitWarning').mockImplementation((w: string | Error) => void yamlWarnings.push(String(w)))
  })
  afterAll(() => {
    vi.restoreAllMocks()
  })

  it('the shipped scenarios are there to mutate', () => {
    expect(SHIPPED.length).toBeGreaterThanOrEqual(5)
    expect(SHIPPED_DATA.length).toBeGreaterThanOrEqual(5)
  })

  it('known troublemakers: each a ScenarioError at the right place', () => {
    const cases: [string, RegExp][] = [
      ['name: x\n<<: *a\n', /^fuzz\.yaml:2:5: YAML: Unresolved alias/],
      ['a: &a [1, 2]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n', /^fuzz\.yaml:2:8: YAML: Excessive alias count/],
      ['name: x\n? [a, b]\n: 1\n', /^fuzz\.yaml:2:3: a key must be a name, not a list/],
      ['name: x\n{ a: 1 }: 2\n', /^fuzz\.yaml:2:1: a key must be a name, not a mapping/],
      ['name: &n x\n*n : 2\n', /^fuzz\.yaml:2:1: a key must be a name, not an alias/],
      ['name: x\nscene: { builder: hippocampalSlice }\nduration: 1e400 ms\n', /^fuzz\.yaml:3:11: duration: "1e400 ms" is not a finite number/],
      ['', /^fuzz\.yaml:1:1: expected a mapping of scenario fields/],
      ['- 1\n', /^fuzz\.yaml:1:1: expected a mapping/],
      ['name: [\n', /^fuzz\.yaml:\d+:\d+: YAML: /],
      ['['.repeat(5000) + ']'.repeat(5000), /^fuzz\.yaml:1:\d+: YAML: /], // nested too deep for the YAML library's recursion
      ['!!binary aGk=\n', /^fuzz\.yaml:1:1: YAML: Unresolved tag: tag:yaml\.org,2002:binary/],
      ['name: x\n!!binary aGk=: 1\n', /^fuzz\.yaml:2:1: YAML: Unresolved tag/],
      ['name: !!set { a, b }\n', /^fuzz\.yaml:1:7: YAML: Unresolved tag: tag:yaml\.org,2002:set/],
    ]
    for (const [text, message] of cases) {
      expect(accepts(text), JSON.stringify(text)).toBe(false)
      expect(() => parseScenario(text, 'fuzz.yaml'), JSON.stringify(text)).toThrow(message)
    }
  })

  it('YAML-ish token soup', () => {
    fc.assert(fc.property(yamlish, (text) => void accepts(text)), OPTIONS)
  })

  it('arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => void accepts(text)), OPTIONS)
  })

  it('shipped scenarios with their text edited', () => {
    fc.assert(
      fc.property(fc.nat({ max: SHIPPED.length - 1 }), fc.array(textEdit, { minLength: 1, maxLength: 4 }), (i, edits) => void accepts(editText(SHIPPED[i]!.text, edits), SHIPPED[i]!.file)),
      OPTIONS,
    )
  })

  it('shipped scenarios with values, keys and entries of their data changed', () => {
    fc.assert(
      fc.property(fc.nat({ max: SHIPPED_DATA.length - 1 }), fc.array(fc.tuple(fc.nat(), value, fc.nat({ max: 2 })), { minLength: 1, maxLength: 3 }), (i, changes) => {
        let data = SHIPPED_DATA[i]
        for (const [which, v, mode] of changes) {
          const paths = pathsOf(data)
          data = changed(data, paths[which % paths.length]!, v, mode)
        }
        void accepts(stringify(data))
      }),
      OPTIONS,
    )
  })

  it('every shipped scenario is accepted unchanged (so the mutations start from valid files)', () => {
    const rejected = SHIPPED.filter((s) => {
      try {
        return !accepts(s.text, s.file)
      } catch {
        return true
      }
    })
    expect(rejected.map((s) => s.file)).toEqual([])
  })

  it('the YAML library printed no warnings of its own on any of these inputs', () => {
    expect(yamlWarnings).toEqual([])
  })
})
