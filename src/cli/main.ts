/**
 * The `neuroplast` command: the headless face of the simulator.
 *
 *   neuroplast run <scenario.yaml> --out DIR [--seed N] [--duration-ms T]
 *                  [--save-snapshot FILE] [--from-snapshot FILE] [--quiet]
 *   neuroplast check <scenario.yaml>…
 *   neuroplast sweep <scenario.yaml> --param PATH=V1,V2,… [--seeds 1..10] [--jobs N] [--out DIR]
 *   neuroplast validate [--full] [--only NAME…] [--out DIR]
 *   neuroplast schema [--out FILE]
 *   neuroplast --help | --version
 *
 * Started by bin/neuroplast.mjs (npx neuroplast) or `npm run sim -- …` (node --import tsx).
 */
import { readFileSync } from 'node:fs'
import { isEntry } from './args.ts'
import { checkCommand, runCommand, CHECK_HELP, RUN_HELP, type Io } from './run.ts'
import { validateCommand, VALIDATE_HELP } from './validate.ts'
import { schemaCommand, SCHEMA_HELP } from './schema.ts'
import { sweepCommand, SWEEP_HELP } from './sweep.ts'

export const HELP = `Usage: neuroplast <command> [options]

A neuroplasticity simulator, headless.

Commands:
  run <scenario.yaml> --out DIR    run a scenario file; write summary.json, probe CSVs, report.html
  check <scenario.yaml>…           validate scenario files without running them
  sweep <scenario.yaml> --param PATH=V1,V2,… [--seeds 1..10] [--jobs N]
                                   run every combination of values × seeds in parallel; one table
  validate [--full] [--only NAME…] run the validation scenarios (scenes/validation/); report table
  schema [--out FILE]              write the JSON Schema of scenario files (for editors)
  help [command]                   show help for a command

Options:
  -h, --help                       show this help
  --version                        show the version

Scenario files: see docs/scenarios.md, scenes/quickstart.yaml and scenes/examples/.
Run \`neuroplast run --help\` for the options of a run.
`

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}

const stdio: Io = {
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
}

export async function main(argv: readonly string[], io: Io = stdio): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case undefined:
      io.err(HELP)
      return 2
    case '-h':
    case '--help':
      io.out(HELP)
      return 0
    case 'help':
      io.out(rest[0] === 'run' ? RUN_HELP : rest[0] === 'check' ? CHECK_HELP : rest[0] === 'validate' ? VALIDATE_HELP : rest[0] === 'schema' ? SCHEMA_HELP : rest[0] === 'sweep' ? SWEEP_HELP : HELP)
      return 0
    case '--version':
      io.out(`neuroplast ${version()}\n`)
      return 0
    case 'run':
      return runCommand(rest, io)
    case 'check':
      return checkCommand(rest, io)
    case 'validate':
      return validateCommand(rest, io)
    case 'schema':
      return schemaCommand(rest, io)
    case 'sweep':
      return sweepCommand(rest, io)
    default:
      io.err(`neuroplast: unknown command "${command}" (commands: run, check, sweep, validate, schema, help; see \`neuroplast --help\`)\n`)
      return 2
  }
}


if (isEntry(import.meta.url)) process.exitCode = await main(process.argv.slice(2))
