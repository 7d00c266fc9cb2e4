/**
 * `neuroplast validate --merge DIR,DIR… --out DIR`: one report from several runs of the same tier
 * (e.g. the long full-tier items run as separate processes on separate cores). Reads each
 * DIR/validation-report.json, joins their checks, scenarios and figures in item order, copies the
 * figures, and writes validation-report.json and validation.md to --out, all or nothing. A scenario
 * reported twice, or reports of different tiers, are refused.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { InputError } from './run.ts'
import { writeAllOrNothing, type OutFile } from './output.ts'
import type { ValidationReport } from './validate.ts'

const byItem = (a: { item: string }, b: { item: string }) => a.item.localeCompare(b.item, 'en', { numeric: true })

export function mergeReports(dirs: readonly string[]): { report: ValidationReport; figures: OutFile[] } {
  if (dirs.length === 0) throw new InputError('--merge: give the report directories, e.g. --merge out/a,out/b')
  const reports = dirs.map((d) => {
    const file = join(d, 'validation-report.json')
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as ValidationReport
    } catch (e) {
      throw new InputError(`${file}: cannot read a validation report: ${(e as Error).message}`)
    }
  })
  const tiers = new Set(reports.map((r) => r.tier))
  if (tiers.size !== 1) throw new InputError(`--merge: the reports are of different tiers (${[...tiers].join(', ')})`)
  const seen = new Map<string, string>()
  for (const [k, r] of reports.entries())
    for (const s of r.scenarios) {
      if (seen.has(s.file)) throw new InputError(`--merge: ${s.file} is in both ${seen.get(s.file)} and ${dirs[k]}`)
      seen.set(s.file, dirs[k]!)
    }
  const figures: OutFile[] = reports.flatMap((r, k) => r.figures.map((f) => ({ path: f, data: readFileSync(join(dirs[k]!, f)) as Uint8Array })))
  const ran = new Set(seen.keys())
  const report: ValidationReport = {
    tier: reports[0]!.tier,
    pass: reports.every((r) => r.pass),
    checks: reports.flatMap((r) => r.checks).sort(byItem),
    scenarios: reports.flatMap((r) => r.scenarios).sort(byItem),
    figures: figures.map((f) => f.path).sort(),
    skipped: [...new Set(reports.flatMap((r) => r.skipped ?? []))].filter((f) => !ran.has(f)),
    wall_ms: reports.reduce((a, r) => a + r.wall_ms, 0),
  }
  return { report, figures }
}

export function writeMerged(dirs: readonly string[], out: string, markdown: (r: ValidationReport) => string): ValidationReport {
  const { report, figures } = mergeReports(dirs)
  const files: OutFile[] = [
    ...figures.map((f) => ({ path: join(out, f.path), data: f.data })),
    { path: join(out, 'validation-report.json'), data: JSON.stringify(report, null, 2) + '\n' },
    { path: join(out, 'validation.md'), data: markdown(report) },
  ]
  try {
    writeAllOrNothing(files)
  } catch (e) {
    throw new InputError(`cannot write the merged report (nothing was written): ${(e as Error).message}`)
  }
  return report
}
