/**
 * Every shipped scenario opens in the page by its URL (`?scenario=<file>`) and runs there: the
 * page builds its world, shows its name, steps it, and logs no error. The CLI side of the same
 * files is covered by test/examples.test.ts, test/scenario.test.ts and `neuroplast validate`.
 *
 * The one publication-scale file with 10⁴ neurons and 2·10⁶ synapses (HEAVY) is left to parse +
 * scene resolution in Node (test/schemaExport.test.ts): what differs in the page is only the
 * world's size, and software WebGL takes minutes over it.
 */
import { describe, expect, test } from 'vitest'
import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { REPO_ROOT } from './harness.ts'
import { pageSuite } from './pageHelpers.ts'

const suite = pageSuite()

function yamlUnder(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlUnder(join(dir, e.name)) : e.name.endsWith('.yaml') ? [relative(REPO_ROOT, join(REPO_ROOT, dir, e.name))] : [],
  )
}

/** The 10⁴-neuron, 2·10⁶-synapse network: long to build and draw in SwiftShader; same code path as the light ones. */
const HEAVY = new Set(['scenes/validation/item11-vogels-istdp.yaml'])

const FILES = yamlUnder('scenes').filter((f) => !HEAVY.has(f)).sort()

describe('every shipped scenario runs in the page', { timeout: 600_000 }, () => {
  test('there are shipped scenarios to open', () => {
    expect(FILES.length).toBeGreaterThan(20)
  })
  for (const file of FILES) {
    test(file, async () => {
      const { page, errors } = await suite.open(`?scenario=${encodeURIComponent(file)}&paused=1`)
      try {
        expect(errors).toEqual([])
        expect(await page.evaluate('window.__neuroplast.scenario && window.__neuroplast.scenario.file')).toBe(file)
        const t0 = (await page.evaluate('window.__neuroplast.time_ms()')) as number
        await page.evaluate('window.__neuroplast.stepN(20)')
        expect((await page.evaluate('window.__neuroplast.time_ms()')) as number).toBeGreaterThan(t0)
        expect(errors).toEqual([])
      } finally {
        await page.close()
      }
    })
  }
})
