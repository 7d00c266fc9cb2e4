/**
 * Scenario errors: every problem with a scenario names the file, the line and column where the
 * offending field was written, the field's path ("timeline[2].stimulate.electrode") and what was
 * expected. One `ScenarioError` carries all problems found in one pass (its message lists them, one
 * "file:line:col: path: reason" per line, the first being the primary one).
 */
import type { SourcePos } from './types.ts'

export type PathKey = string | number

export interface ScenarioIssue {
  path: string
  reason: string
  line?: number
  column?: number
}

export function formatIssue(file: string, i: ScenarioIssue): string {
  const where = i.line !== undefined ? `${file}:${i.line}:${i.column ?? 1}` : file
  return i.path ? `${where}: ${i.path}: ${i.reason}` : `${where}: ${i.reason}`
}

export class ScenarioError extends Error {
  readonly file: string
  readonly line?: number
  readonly column?: number
  readonly path: string
  /** The reason of the first problem alone. */
  readonly reason: string
  /** Every problem found (the first is the one in `line`, `column`, `path`). */
  readonly issues: ScenarioIssue[]

  constructor(file: string, issues: ScenarioIssue[]) {
    if (issues.length === 0) throw new Error('ScenarioError needs at least one issue')
    super(issues.map((i) => formatIssue(file, i)).join('\n'))
    this.name = 'ScenarioError'
    const first = issues[0]!
    this.file = file
    this.line = first.line
    this.column = first.column
    this.path = first.path
    this.reason = first.reason
    this.issues = issues
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/

/** ['timeline', 2, 'at'] → "timeline[2].at"; keys that are not identifiers are quoted: probes["CA1 rate"]. */
export function pathString(path: readonly PathKey[]): string {
  let s = ''
  for (const k of path) {
    if (typeof k === 'number') s += `[${k}]`
    else if (IDENT.test(k)) s += s ? `.${k}` : k
    else s += `[${JSON.stringify(k)}]`
  }
  return s
}

const LAST_SEGMENT = /(\.[A-Za-z_][A-Za-z0-9_]*|\[(?:\d+|"(?:[^"\\]|\\.)*")\]|^[A-Za-z_][A-Za-z0-9_]*)$/

/** Position of `path`, or of its nearest written ancestor (a missing field points at its parent). */
export function positionOf(locations: Record<string, SourcePos>, path: string): SourcePos | undefined {
  let p = path
  for (;;) {
    const pos = locations[p]
    if (pos) return pos
    if (!p) return undefined
    const m = LAST_SEGMENT.exec(p)
    if (!m) return locations['']
    p = p.slice(0, p.length - m[0].length)
  }
}

/** An issue located through a scenario's `locations` (for problems found after parsing). */
export function issueAt(locations: Record<string, SourcePos>, path: string, reason: string): ScenarioIssue {
  const pos = positionOf(locations, path)
  return { path, reason, line: pos?.line, column: pos?.column }
}
