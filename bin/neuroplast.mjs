#!/usr/bin/env node
// Launcher for the `neuroplast` command: registers tsx (a runtime dependency) so Node can load the
// TypeScript sources, then runs src/cli/main.ts. Works from `npx neuroplast` and from a global or
// linked install; `npm run sim -- …` runs main.ts directly with `node --import tsx`.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
