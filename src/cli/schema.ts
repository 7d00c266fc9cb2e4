/**
 * `neuroplast schema [--out FILE]` (also `npm run schema`): export the scenario file format
 * (src/scenario/schema.ts, a zod schema) as a JSON Schema (draft 2020-12), by default to
 * scenes/scenario.schema.json — the file every shipped scenario names on its first line,
 *   # yaml-language-server: $schema=../scenario.schema.json
 * so that an editor with the YAML language server completes and checks scenario files.
 * `--out -` prints it instead. test/schemaExport.test.ts keeps the committed file equal to a
 * fresh export.
 *
 * The JSON Schema checks each field's type, the units of quantities (by regular expression),
 * the allowed names (protocol presets, reductions) and unknown keys. What it cannot say — one
 * action kind per timeline entry, references between sections, times within the run, the scene's
 * populations — `neuroplast check` says.
 *
 * Exit codes: 0 written · 2 bad option or unwritable file · 3 internal error.
 */
import { fileURLToPath } from 'node:url'
import * as z from 'zod'
import { ScenarioFile } from '../scenario/schema.ts'
import { UsageError, isEntry, parseArgs, stringFlag } from './args.ts'
import { isDirectory, writeAllOrNothing } from './output.ts'
import { guard, type Io } from './run.ts'

export const SCHEMA_FILE = fileURLToPath(new URL('../../scenes/scenario.schema.json', import.meta.url))

export const SCHEMA_HELP = `Usage: neuroplast schema [--out FILE]

Write the JSON Schema of scenario files (for editors: YAML language server, VS Code).

Options:
  --out FILE              where to write it (default: scenes/scenario.schema.json; - for stdout)
  -h, --help              show this help

Exit status: 0 written, 2 bad option or file, 3 internal error.
`

/** The scenario file format as a JSON Schema object. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(ScenarioFile, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>
  return {
    $schema,
    title: 'Neuroplast scenario file',
    description: 'A scenario: a scene, electrodes, a timeline of actions, probes and expectations. Guide: docs/scenarios.md. Generated from src/scenario/schema.ts by `npm run schema`; do not edit.',
    ...rest,
  }
}

/** The text of scenes/scenario.schema.json. */
export function scenarioJsonSchemaText(): string {
  return JSON.stringify(scenarioJsonSchema(), null, 2) + '\n'
}

export async function schemaCommand(argv: readonly string[], io: Io): Promise<number> {
  return guard(io, async () => {
    const args = parseArgs(argv, { out: { value: true }, help: {} }, 'schema')
    if (args.flags.has('help')) {
      io.out(SCHEMA_HELP)
      return 0
    }
    if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}" (see \`neuroplast schema --help\`)`)
    const out = stringFlag(args, 'out') ?? SCHEMA_FILE
    const text = scenarioJsonSchemaText()
    if (out === '-') {
      io.out(text)
      return 0
    }
    if (isDirectory(out)) {
      io.err(`${out}: cannot write the schema there: is a directory\n`)
      return 2
    }
    try {
      writeAllOrNothing([{ path: out, data: text }])
    } catch (e) {
      io.err(`${out}: cannot write the schema: ${(e as Error).message}\n`)
      return 2
    }
    io.out(`wrote ${out}\n`)
    return 0
  })
}

if (isEntry(import.meta.url)) {
  process.exitCode = await schemaCommand(process.argv.slice(2), {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
  })
}
