/**
 * The grammar of `neuroplast sweep` (src/cli/sweep.ts): `--param PATH=V1,V2,…` (a field path as
 * error messages write it, and YAML values separated by commas outside brackets and quotes),
 * `--seeds 1..10 | 1,2,5`, and writing values into a scenario file's text.
 */
import { isMap, isScalar, isSeq, parse as parseYaml, parseDocument, type Document } from 'yaml'
import { pathString, type PathKey } from '../scenario/errors.ts'
import { UsageError } from './args.ts'

/** Most runs a sweep may have (a typo like --seeds 1..1000000 should not start a week of work). */
export const MAX_RUNS = 100_000

export interface Param {
  /** As written: "timeline[0].stimulate.protocol". */
  path: string
  keys: PathKey[]
  /** Values as written (CSV labels). */
  labels: string[]
  /** Values as YAML data. */
  values: unknown[]
}

// ---------------------------------------------------------------------------------------------
// Flags
// ---------------------------------------------------------------------------------------------

/** "a.b[2].c" / 'a["x y"].b' → ['a', 'b', 2, 'c']; undefined when malformed. */
export function parsePath(path: string): PathKey[] | undefined {
  const keys: PathKey[] = []
  let i = 0
  const ident = /[A-Za-z_$][A-Za-z0-9_$-]*/y
  while (i < path.length) {
    if (path[i] === '[') {
      const num = /\[(\d+)\]/y
      num.lastIndex = i
      const m = num.exec(path)
      if (m) {
        keys.push(Number(m[1]))
        i = num.lastIndex
        continue
      }
      const str = /\["((?:[^"\\]|\\.)*)"\]/y
      str.lastIndex = i
      const s = str.exec(path)
      if (!s) return undefined
      keys.push(JSON.parse(`"${s[1]}"`) as string)
      i = str.lastIndex
      continue
    }
    if (keys.length > 0) {
      if (path[i] !== '.') return undefined
      i++
    }
    ident.lastIndex = i
    const m = ident.exec(path)
    if (!m) return undefined
    keys.push(m[0])
    i = ident.lastIndex
  }
  return keys.length ? keys : undefined
}

/** Split on commas outside quotes and brackets: 'a, {x: 1, y: 2}, "b,c"' → ['a', '{x: 1, y: 2}', '"b,c"']. */
export function splitValues(text: string): string[] | undefined {
  const out: string[] = []
  let depth = 0
  let quote = ''
  let cur = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quote) {
      if (c === '\\' && quote === '"' && i + 1 < text.length) {
        cur += c + text[++i]
        continue
      }
      if (c === quote) quote = ''
      cur += c
      continue
    }
    if (c === '"' || c === "'") quote = c
    else if (c === '[' || c === '{') depth++
    else if (c === ']' || c === '}') depth--
    if (depth < 0) return undefined
    if (c === ',' && depth === 0) {
      out.push(cur.trim())
      cur = ''
      continue
    }
    cur += c
  }
  if (quote || depth !== 0) return undefined
  out.push(cur.trim())
  return out
}

/** One `--param PATH=V1,V2,…`. */
export function parseParam(text: string): Param {
  const eq = text.indexOf('=')
  const bad = (why: string) => new UsageError(`--param ${text}: ${why}`)
  if (eq <= 0) throw bad('expected PATH=V1,V2,… (e.g. --param scene.params.wSchaffer=0.01,0.02)')
  const path = text.slice(0, eq).trim()
  const keys = parsePath(path)
  if (!keys) throw bad(`"${path}" is not a field path (write it as in error messages: scene.params.wSchaffer, timeline[0].stimulate.protocol)`)
  if (typeof keys[0] !== 'string') throw bad('a path starts with a top-level field (scene, duration, timeline, …)')
  const labels = splitValues(text.slice(eq + 1))
  if (!labels) throw bad('unbalanced quotes or brackets in the values')
  if (labels.some((l) => l === '')) throw bad('empty value (values are separated by commas: V1,V2,…)')
  if (new Set(labels).size !== labels.length) throw bad(`a value is given twice (${labels.filter((l, i) => labels.indexOf(l) !== i).join(', ')})`)
  const values = labels.map((l) => {
    try {
      return parseYaml(l, { strict: true, uniqueKeys: true }) as unknown
    } catch (e) {
      throw bad(`value ${l} is not valid YAML: ${(e as Error).message.split('\n')[0]}`)
    }
  })
  return { path: pathString(keys), keys, labels, values }
}

/** "1..10", "1,2,5", "1..3,7" → seeds, in order. */
export function parseSeeds(text: string): number[] {
  const bad = () => new UsageError(`--seeds must be seeds or ranges of seeds like 1..10, 1,2,5 or 1..3,7 (whole numbers from 0 to ${2 ** 32 - 1}), got "${text}"`)
  const out: number[] = []
  for (const part of text.split(',').map((s) => s.trim())) {
    const m = /^(\d+)(?:\s*\.\.\s*(\d+))?$/.exec(part)
    if (!m) throw bad()
    const a = Number(m[1])
    const b = m[2] === undefined ? a : Number(m[2])
    if (a > 2 ** 32 - 1 || b > 2 ** 32 - 1) throw bad()
    if (b < a) throw new UsageError(`--seeds: the range ${part} ends before it starts`)
    if (b - a + out.length >= MAX_RUNS) throw new UsageError(`--seeds: more than ${MAX_RUNS} seeds`)
    for (let s = a; s <= b; s++) out.push(s)
  }
  if (new Set(out).size !== out.length) throw new UsageError(`--seeds: a seed is given twice ("${text}")`)
  return out
}

/** `--param` may be repeated: take its occurrences out of argv before the usual flag parsing. */
export function extractParams(argv: readonly string[]): { params: string[]; rest: string[] } {
  const params: string[] = []
  const rest: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--') {
      rest.push(...argv.slice(i))
      break
    }
    if (a === '--param' || a === '-p') {
      const v = argv[i + 1]
      if (v === undefined || v.startsWith('--')) throw new UsageError('--param needs a value: PATH=V1,V2,…')
      params.push(v)
      i++
    } else if (a.startsWith('--param=')) params.push(a.slice('--param='.length))
    else rest.push(a)
  }
  return { params, rest }
}

// ---------------------------------------------------------------------------------------------
// Writing values into the file
// ---------------------------------------------------------------------------------------------

function describeNode(node: unknown): string {
  if (isMap(node)) return 'a mapping'
  if (isSeq(node)) return `a list of ${node.items.length}`
  if (isScalar(node)) return `the value ${JSON.stringify(node.value)}`
  return 'nothing'
}

/**
 * Check that `param` names a place in the document: every list index exists, nothing goes through
 * a plain value. Missing mapping keys are fine (the field is added; the format then says whether it
 * may be there).
 */
export function checkPath(doc: Document, param: Param): void {
  let node: unknown = doc.contents
  for (let k = 0; k < param.keys.length; k++) {
    const key = param.keys[k]!
    const here = pathString(param.keys.slice(0, k)) || 'the file'
    const fail = (why: string) => new UsageError(`--param ${param.path}: ${why}`)
    if (node === undefined || node === null) {
      if (typeof key === 'number') throw fail(`${here} is not in the file, so it has no item [${key}]`)
      return // the rest is created as mappings
    }
    if (isSeq(node)) {
      if (typeof key !== 'number') throw fail(`${here} is a list: index it with [n], not .${key}`)
      if (key >= node.items.length) throw fail(`${here} has ${node.items.length} item${node.items.length === 1 ? '' : 's'} (indices 0–${node.items.length - 1}), no [${key}]`)
      node = node.items[key]
    } else if (isMap(node)) {
      if (typeof key === 'number') throw fail(`${here} is a mapping: name a key (.name), not [${key}]`)
      node = node.get(key, true)
    } else throw fail(`${here} is ${describeNode(node)}, not a mapping or list, so it has no ${typeof key === 'number' ? `[${key}]` : `field "${key}"`}`)
  }
}

/** The file's text with each parameter set to its value. */
export function withValues(text: string, assignments: { param: Param; value: unknown }[]): string {
  const doc = parseDocument(text)
  for (const { param, value } of assignments) doc.setIn(param.keys, doc.createNode(value))
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false })
}

/** Cross product of the parameters' value indices (first parameter slowest). */
export function combinations(params: Param[]): number[][] {
  let out: number[][] = [[]]
  for (const p of params) out = out.flatMap((c) => p.values.map((_, i) => [...c, i]))
  return out
}
