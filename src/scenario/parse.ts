/**
 * Reading a scenario file: YAML text → document (with source positions) → schema validation
 * (src/scenario/schema.ts) → normalised `Scenario` (src/scenario/normalize.ts).
 *
 * Nothing in the file is evaluated: the YAML core schema yields only maps, lists, strings, numbers,
 * booleans and null (custom tags are rejected), and every value is checked against the schema.
 * All problems found are reported together, each as "file:line:col: path: reason".
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node as YamlNode } from 'yaml'
import type * as z from 'zod'
import { ScenarioFile, describe } from './schema.ts'
import { ScenarioError, pathString, positionOf, type PathKey, type ScenarioIssue } from './errors.ts'
import { normalize } from './normalize.ts'
import type { Scenario, SourcePos } from './types.ts'

export { ScenarioError } from './errors.ts'
export type { ScenarioIssue } from './errors.ts'

export function parseScenario(text: string, file: string): Scenario {
  const lineCounter = new LineCounter()
  // resolveKnownTags: false — YAML 1.1 tags (!!binary, !!set, !!omap, !!pairs, !!timestamp) would
  // give byte arrays, sets and dates; unresolved, they are reported like any unknown tag.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true, resolveKnownTags: false })
  const at = (offset: number): SourcePos => {
    const p = lineCounter.linePos(offset)
    return { line: p.line, column: p.col }
  }
  const yamlProblems = [...doc.errors, ...doc.warnings]
  if (yamlProblems.length)
    throw new ScenarioError(
      file,
      yamlProblems.map((e) => ({ path: '', reason: `YAML: ${e.message.split('\n')[0]}`, ...at(e.pos[0]) })),
    )
  const locations = collectLocations(doc, at)
  const data = infinitiesAsText(documentData(doc, file, at))
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new ScenarioError(file, [{ path: '', reason: `expected a mapping of scenario fields (name, scene, duration, …), got ${describe(data)}`, line: 1, column: 1 }])

  const parsed = ScenarioFile.safeParse(data, { error: defaultMessage, reportInput: true })
  if (!parsed.success) {
    const issues: ScenarioIssue[] = []
    for (const iss of parsed.error.issues) issues.push(...toIssues(iss, [], locations))
    throw new ScenarioError(file, sortIssues(dedupe(withoutEchoes(issues))))
  }
  const issues: ScenarioIssue[] = []
  const scenario = normalize(parsed.data, file, locations, issues)
  if (issues.length) throw new ScenarioError(file, sortIssues(issues))
  return scenario
}

/**
 * The document as plain data. The YAML library throws (rather than reporting a document error) for
 * an alias whose anchor is not defined before it (`<<: *a`) and for aliases past `maxAliasCount`
 * (a "billion laughs" file): both become a ScenarioError at the first alias.
 */
function documentData(doc: Document, file: string, at: (offset: number) => SourcePos): unknown {
  // A key must be a name: a mapping or list as a key (`? [a, b]`, `{ [x]: 1 }`) is not one.
  const keys: ScenarioIssue[] = []
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key as YamlNode | null
      if (key && !isScalar(key)) keys.push({ path: '', reason: `a key must be a name, not ${isMap(key) ? 'a mapping' : isSeq(key) ? 'a list' : 'an alias'}`, ...(key.range ? at(key.range[0]) : { line: 1, column: 1 }) })
    },
  })
  if (keys.length) throw new ScenarioError(file, keys)
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown
  } catch (e) {
    let pos: SourcePos = { line: 1, column: 1 }
    visit(doc, {
      Alias(_, node) {
        if (node.range) pos = at(node.range[0])
        return visit.BREAK
      },
    })
    throw new ScenarioError(file, [{ path: '', reason: `YAML: ${(e as Error).message.split('\n')[0]}`, ...pos }])
  }
}

/** ±Infinity (YAML .inf) → ".inf" / "-.inf", the schema's spelling (see schema.ts `INFINITY_TEXT`). */
function infinitiesAsText(v: unknown): unknown {
  if (v === Infinity) return '.inf'
  if (v === -Infinity) return '-.inf'
  if (Array.isArray(v)) return v.map(infinitiesAsText)
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, infinitiesAsText(x)]))
  return v
}

// ---------------------------------------------------------------------------------------------
// Source positions
// ---------------------------------------------------------------------------------------------

/**
 * Position of every node by path. A value's path maps to the value; "path#key" to the key of a map
 * entry (unknown keys are reported at the key).
 */
function collectLocations(doc: Document, at: (offset: number) => SourcePos): Record<string, SourcePos> {
  const out: Record<string, SourcePos> = {}
  const visit = (node: unknown, path: PathKey[]): void => {
    const p = pathString(path)
    const range = (node as YamlNode | null)?.range
    if (range) out[p] = at(range[0])
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
        const keyPath = [...path, key]
        const keyRange = (pair.key as YamlNode | null)?.range
        if (keyRange) out[`${pathString(keyPath)}#key`] = at(keyRange[0])
        // A key with no value (`params:`) is located at its key.
        if (pair.value === null || (pair.value as YamlNode).range == null) {
          if (keyRange) out[pathString(keyPath)] = at(keyRange[0])
        } else visit(pair.value, keyPath)
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]))
    }
  }
  visit(doc.contents, [])
  if (!out['']) out[''] = { line: 1, column: 1 }
  return out
}

// ---------------------------------------------------------------------------------------------
// Schema issues → scenario issues
// ---------------------------------------------------------------------------------------------

type Raw = z.core.$ZodRawIssue

const KIND_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  tuple: 'a list',
  record: 'a mapping',
}

/** Messages for issues whose schema does not say better (the schema's own messages win). */
function defaultMessage(iss: Raw): string | undefined {
  const input = (iss as { input?: unknown }).input
  switch (iss.code) {
    case 'invalid_type': {
      const expected = KIND_WORDS[iss.expected] ?? iss.expected
      return input === undefined ? `missing (expected ${expected})` : `expected ${expected}, got ${describe(input)}`
    }
    case 'unrecognized_keys': {
      const shape = (iss.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape
      const known = shape ? ` (expected one of: ${Object.keys(shape).join(', ')})` : ''
      return `unknown key${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => `"${k}"`).join(', ')}${known}`
    }
    case 'invalid_value':
      return `expected ${iss.values.length === 1 ? JSON.stringify(iss.values[0]) : `one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}`}, got ${describe(input)}`
    case 'too_small':
    case 'too_big': {
      const small = iss.code === 'too_small'
      const limit = small ? iss.minimum : iss.maximum
      if (iss.origin === 'string') return small ? 'must not be empty' : `must be at most ${limit} characters`
      if (iss.origin === 'array' || iss.origin === 'set') {
        const isTuple = (iss.inst as { _zod?: { def?: { type?: string } } } | undefined)?._zod?.def?.type === 'tuple'
        const n = Array.isArray(input) ? input.length : undefined
        if (isTuple) return `expected a list of ${limit} items${n !== undefined ? `, got ${n}` : ''}`
        return small ? `must have at least ${limit} item${Number(limit) === 1 ? '' : 's'}` : `must have at most ${limit} items`
      }
      const op = small ? (iss.inclusive ? '≥' : '>') : iss.inclusive ? '≤' : '<'
      return `must be ${op} ${limit}, got ${describe(input)}`
    }
    case 'invalid_union': {
      const disc = (iss as { discriminator?: string }).discriminator
      const options = (iss as { options?: unknown[] }).options
      if (disc && options) {
        const got = input && typeof input === 'object' ? (input as Record<string, unknown>)[disc] : undefined
        const list = options.map((o) => JSON.stringify(o)).join(', ')
        return got === undefined ? `missing (expected one of ${list})` : `unknown ${disc} ${JSON.stringify(got)} (expected one of ${list})`
      }
      return undefined
    }
    default:
      return undefined
  }
}

type Issue = z.core.$ZodIssue

function toIssues(iss: Issue, prefix: PathKey[], locations: Record<string, SourcePos>): ScenarioIssue[] {
  const path = [...prefix, ...(iss.path as PathKey[])]
  if (iss.code === 'invalid_union' && iss.errors.length) {
    // Report the branch the value was evidently meant for: the one that did not fail on the kind of
    // value at the top (a mapping given where a name is expected). Otherwise list what would do.
    const input = iss.input
    const mismatch = (b: Issue[]) =>
      b.length === 1 &&
      b[0]!.path.length === 0 &&
      (b[0]!.code === 'invalid_type' || (b[0]!.code === 'invalid_value' && b[0]!.values.every((v) => typeof v !== typeof input)))
    const meant = iss.errors.filter((b) => !mismatch(b))
    if (meant.length === 1) return meant[0]!.flatMap((b) => toIssues(b, path, locations))
    const kinds = iss.errors.flatMap((b) => {
      const i = b[0]
      if (b.length !== 1 || !i || i.path.length) return []
      if (i.code === 'invalid_type') return [KIND_WORDS[i.expected] ?? i.expected]
      if (i.code === 'invalid_value') return [`one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}`]
      return [i.message]
    })
    return [located(path, `expected ${[...new Set(kinds)].join(' or ')}, got ${describe(input)}`, locations)]
  }
  if (iss.code === 'unrecognized_keys' && iss.keys.length) {
    const keyPath = pathString([...path, iss.keys[0]!])
    const pos = locations[`${keyPath}#key`] ?? positionOf(locations, pathString(path))
    return [{ path: keyPath, reason: iss.message, line: pos?.line, column: pos?.column }]
  }
  return [located(path, iss.message, locations)]
}

function located(path: PathKey[], reason: string, locations: Record<string, SourcePos>): ScenarioIssue {
  const p = pathString(path)
  const pos = positionOf(locations, p)
  return { path: p, reason, line: pos?.line, column: pos?.column }
}

/** "expected one action" on an object whose unknown key already says why is noise. */
function withoutEchoes(issues: ScenarioIssue[]): ScenarioIssue[] {
  return issues.filter(
    (i) => !(i.reason.startsWith('expected one ') && issues.some((j) => j !== i && (j.path.startsWith(`${i.path}.`) || j.path.startsWith(`${i.path}[`)))),
  )
}

function dedupe(issues: ScenarioIssue[]): ScenarioIssue[] {
  const seen = new Set<string>()
  return issues.filter((i) => {
    const k = `${i.path}\n${i.reason}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

/** In file order (issues without a position last); stable otherwise. */
function sortIssues(issues: ScenarioIssue[]): ScenarioIssue[] {
  return issues
    .map((i, n) => ({ i, n }))
    .sort((a, b) => (a.i.line ?? 1e9) - (b.i.line ?? 1e9) || (a.i.column ?? 0) - (b.i.column ?? 0) || a.n - b.n)
    .map((x) => x.i)
}
