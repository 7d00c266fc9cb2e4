/**
 * The JSON Schema of scenario files (scenes/scenario.schema.json, written by src/cli/schema.ts):
 * the committed file equals a fresh export of the zod schema, every shipped scenario names it on
 * its first line and validates against it (with a small draft 2020-12 validator below, covering
 * exactly the keywords the export uses — an unknown keyword fails the test rather than pass
 * silently), and bad files fail it. The examples of docs/scenarios.md are real files: every YAML
 * block of the guide is a shipped scenario or a verbatim excerpt of one.
 */
import { describe, it, expect } from 'vitest'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { scenarioJsonSchemaText, SCHEMA_FILE } from '../src/cli/schema.ts'
import { main } from '../src/cli/main.ts'
import { ScenarioFile } from '../src/scenario/schema.ts'
import { parseScenario } from '../src/scenario/parse.ts'
import { resolveScenario } from '../src/scenario/resolve.ts'
import { createRun } from '../src/scenario/runner.ts'
import { SCENES } from '../scenes/index.ts'

const ROOT = resolve(import.meta.dirname, '..')
const yamlIn = (dir: string) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f))
const SHIPPED = ['scenes/quickstart.yaml', ...yamlIn('scenes/examples'), ...yamlIn('scenes/validation')]
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8')

// ---------------------------------------------------------------------------------------------
// A minimal JSON Schema (draft 2020-12) validator: the keywords z.toJSONSchema emits for this schema.
// ---------------------------------------------------------------------------------------------

type Schema = Record<string, unknown> | boolean
const ANNOTATIONS = new Set(['$schema', 'title', 'description'])
const KEYWORDS = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'items', 'prefixItems',
  'minItems', 'maxItems', 'enum', 'const', 'pattern', 'minLength', 'minimum', 'maximum', 'exclusiveMinimum', 'anyOf', 'oneOf',
])

function typeOk(t: string, v: unknown): boolean {
  switch (t) {
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v)
    case 'array':
      return Array.isArray(v)
    case 'string':
      return typeof v === 'string'
    case 'number':
      return typeof v === 'number' // YAML's .inf is a number to an editor too
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v)
    case 'boolean':
      return typeof v === 'boolean'
    case 'null':
      return v === null
    default:
      throw new Error(`validator: unknown type ${t}`)
  }
}

/** Problems of `v` against `s` ("path: what"); empty when valid. */
function validate(s: Schema, v: unknown, path = '$'): string[] {
  if (s === true) return []
  if (s === false) return [`${path}: not allowed`]
  for (const k of Object.keys(s)) if (!KEYWORDS.has(k) && !ANNOTATIONS.has(k)) throw new Error(`validator: keyword "${k}" not supported (at ${path})`)
  const out: string[] = []
  const types = s.type === undefined ? undefined : ([] as string[]).concat(s.type as string | string[])
  if (types && !types.some((t) => typeOk(t, v))) return [`${path}: expected ${types.join(' or ')}, got ${JSON.stringify(v)}`]
  if (s.enum && !(s.enum as unknown[]).includes(v)) out.push(`${path}: not one of ${JSON.stringify(s.enum)}`)
  if ('const' in s && s.const !== v) out.push(`${path}: expected ${JSON.stringify(s.const)}`)
  if (typeof v === 'string') {
    if (s.pattern !== undefined && !new RegExp(s.pattern as string, 'u').test(v)) out.push(`${path}: does not match ${s.pattern}`)
    if (s.minLength !== undefined && [...v].length < (s.minLength as number)) out.push(`${path}: shorter than ${s.minLength}`)
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && !(v >= (s.minimum as number))) out.push(`${path}: below ${s.minimum}`)
    if (s.maximum !== undefined && !(v <= (s.maximum as number))) out.push(`${path}: above ${s.maximum}`)
    if (s.exclusiveMinimum !== undefined && !(v > (s.exclusiveMinimum as number))) out.push(`${path}: not above ${s.exclusiveMinimum}`)
  }
  if (Array.isArray(v)) {
    const prefix = (s.prefixItems as Schema[] | undefined) ?? []
    prefix.forEach((p, i) => i < v.length && out.push(...validate(p, v[i], `${path}[${i}]`)))
    if (s.items !== undefined) for (let i = prefix.length; i < v.length; i++) out.push(...validate(s.items as Schema, v[i], `${path}[${i}]`))
    if (s.minItems !== undefined && v.length < (s.minItems as number)) out.push(`${path}: fewer than ${s.minItems} items`)
    if (s.maxItems !== undefined && v.length > (s.maxItems as number)) out.push(`${path}: more than ${s.maxItems} items`)
  }
  if (typeOk('object', v)) {
    const o = v as Record<string, unknown>
    const props = (s.properties as Record<string, Schema> | undefined) ?? {}
    for (const r of (s.required as string[] | undefined) ?? []) if (!(r in o)) out.push(`${path}: missing "${r}"`)
    for (const [k, x] of Object.entries(o)) {
      if (s.propertyNames !== undefined) out.push(...validate(s.propertyNames as Schema, k, `${path}.${k} (name)`))
      if (k in props) out.push(...validate(props[k]!, x, `${path}.${k}`))
      else if (s.additionalProperties !== undefined) out.push(...validate(s.additionalProperties as Schema, x, `${path}.${k}`))
    }
  }
  if (s.anyOf && !(s.anyOf as Schema[]).some((b) => validate(b, v, path).length === 0)) out.push(`${path}: matches none of anyOf`)
  if (s.oneOf) {
    const n = (s.oneOf as Schema[]).filter((b) => validate(b, v, path).length === 0).length
    if (n !== 1) out.push(`${path}: matches ${n} of oneOf (expected exactly 1)`)
  }
  return out
}

const SCHEMA = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>

describe('scenario JSON Schema export', () => {
  it('the committed scenes/scenario.schema.json equals a fresh export (run `npm run schema` after changing src/scenario/schema.ts)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(scenarioJsonSchemaText())
    expect(SCHEMA.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
  })

  it('`neuroplast schema` writes it (--out FILE, --out - for stdout); a bad option is exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'neuroplast-schema-'))
    try {
      let out = ''
      let err = ''
      const io = { out: (s: string) => void (out += s), err: (s: string) => void (err += s) }
      expect(await main(['schema', '--out', join(dir, 's.json')], io)).toBe(0)
      expect(readFileSync(join(dir, 's.json'), 'utf8')).toBe(scenarioJsonSchemaText())
      out = ''
      expect(await main(['schema', '--out', '-'], io)).toBe(0)
      expect(out).toBe(scenarioJsonSchemaText())
      expect(await main(['schema', '--outt', 'x'], io)).toBe(2)
      expect(err).toMatch(/unknown option --outt/)
      expect(await main(['schema', '--out', dir], io)).toBe(2)
      expect(err).toMatch(/is a directory/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('its top-level properties are the fields of a scenario file, closed to others', () => {
    expect(Object.keys(SCHEMA.properties as object).sort()).toEqual(Object.keys(ScenarioFile.shape).sort())
    expect(SCHEMA.required).toEqual(['name', 'scene', 'duration'])
    expect(SCHEMA.additionalProperties).toBe(false)
  })

  it.each(SHIPPED)('%s names the schema on its first line, validates against it, and parses', (file) => {
    const text = read(file)
    const first = text.split('\n', 1)[0]!
    const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first)
    expect(m, `${file} should start with "# yaml-language-server: $schema=<path to scenes/scenario.schema.json>"`).not.toBe(null)
    expect(resolve(ROOT, dirname(file), m![1]!)).toBe(SCHEMA_FILE)
    expect(validate(SCHEMA, parseYaml(text))).toEqual([])
    const scenario = parseScenario(text, file)
    resolveScenario(scenario, SCENES)
  })

  it('rejects what the format rejects: unknown keys, bare numbers for times, wrong units, unknown presets, bad reductions', () => {
    const good = parseYaml(read('scenes/quickstart.yaml')) as Record<string, any>
    const bad = (edit: (f: Record<string, any>) => void) => {
      const f = structuredClone(good)
      edit(f)
      return validate(SCHEMA, f)
    }
    expect(bad((f) => (f.durration = '2 s'))).toEqual(['$.durration: not allowed'])
    expect(bad((f) => (f.duration = 2000)).join()).toMatch(/\$\.duration: expected string/)
    expect(bad((f) => (f.duration = '2 sec')).join()).toMatch(/\$\.duration: does not match/)
    expect(bad((f) => delete f.scene).join()).toMatch(/missing "scene"/)
    expect(bad((f) => (f.timeline[0].stimulate.protocol = 'HSF')).join()).toMatch(/timeline\[0\]\.stimulate\.protocol: matches none of anyOf/)
    expect(bad((f) => (f.timeline[0].stimulate.protocol = { kind: 'train', freq: '100 Hz' })).join()).toMatch(/protocol: matches none/)
    expect(bad((f) => (f.expect[0].metric.reduce = 'median')).join()).toMatch(/reduce: not one of/)
    expect(bad((f) => (f.expect[0].range = [0])).join()).toMatch(/range: fewer than 2 items/)
    expect(bad((f) => (f.probes.ca1_rate = { rate: { bin: '10 Hz' } })).join()).toMatch(/bin: does not match/)
    expect(bad((f) => (f.seed = -1)).join()).toMatch(/seed: below 0/)
  })
})

describe('docs/scenarios.md', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'scenarios.md'), 'utf8')
  const blocks = [...doc.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)
  const norm = (s: string) => s.split('\n').map((l) => l.trimEnd()).join('\n').trim()
  const shippedText = SHIPPED.map((f) => ({ file: f, text: norm(read(f)) }))

  it('has YAML examples', () => {
    expect(blocks.length).toBeGreaterThan(5)
  })

  it('every YAML block is a whole shipped scenario or a verbatim excerpt of one', () => {
    for (const b of blocks) {
      const hit = shippedText.find((f) => f.text.includes(norm(b)))
      expect(hit, `this block of docs/scenarios.md is not in any shipped scenario:\n${b}`).toBeDefined()
    }
  })

  it('its worked examples are shipped files, and the self-checking one passes', () => {
    for (const file of ['scenes/examples/slice-tour.yaml', 'scenes/examples/stdp-pairing.yaml']) {
      expect(blocks.map(norm), `${file} should be shown whole in the guide`).toContain(norm(read(file)))
      expect(doc).toContain(file)
    }
    const sc = parseScenario(read('scenes/examples/stdp-pairing.yaml'), 'stdp-pairing.yaml')
    const run = createRun(sc, { scenes: SCENES })
    while (!run.done) run.advance(1e6)
    const s = run.summary(0)
    expect(s.expectations.map((x) => [x.name, x.pass])).toEqual(sc.expect.map((x) => [x.name, true]))
    expect(relative(ROOT, SCHEMA_FILE)).toBe(join('scenes', 'scenario.schema.json'))
  })
})
