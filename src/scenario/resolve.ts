/**
 * Checking a scenario against its scene: the builder exists and accepts the parameters, and every
 * population, region and pathway named in the file exists in the world it builds
 * (`params.populations` etc.), electrodes sit inside the tissue. Problems are ScenarioErrors
 * located in the file. The scene registry is handed in (the faces own it; nothing here imports
 * scenes/).
 */
import { mergeParams, type Params, type Scene } from '../engine/world.ts'
import { resolveFieldName } from './fieldProbe.ts'
import { paramSlot } from './actions.ts'
import { ScenarioError, issueAt, pathString, type PathKey, type ScenarioIssue } from './errors.ts'
import type { Scenario } from './types.ts'

/** A tissue builder by name (the type of scenes/index.ts `SCENES` entries). */
export type SceneBuilder = (params?: Record<string, unknown>) => Scene

/** The scene of a scenario, with the file's clock overrides applied. Throws ScenarioError. */
export function sceneOf(scenario: Scenario, scenes: Record<string, SceneBuilder>): Scene {
  const fail = (path: string, reason: string): never => {
    throw new ScenarioError(scenario.file, [issueAt(scenario.locations, path, reason)])
  }
  const builder = Object.hasOwn(scenes, scenario.scene.builder) ? scenes[scenario.scene.builder] : undefined
  if (!builder) return fail('scene.builder', `unknown scene builder "${scenario.scene.builder}" (scenes: ${Object.keys(scenes).join(', ')})`)
  let scene: Scene
  try {
    scene = builder({ ...scenario.scene.params })
  } catch (e) {
    // Builders throw SceneParamError { field } for a bad parameter (scenes/params.ts).
    const field = (e as { field?: unknown }).field
    const path = typeof field === 'string' ? pathString(['scene', 'params', field]) : 'scene.params'
    const msg = (e as Error).message.replace(/^scene parameter "[^"]*": /, '')
    // An unknown parameter is best shown at its key, a bad value at the value.
    const keyPos = /unknown/.test(msg) ? scenario.locations[`${path}#key`] : undefined
    if (keyPos) throw new ScenarioError(scenario.file, [{ path, reason: msg, ...keyPos }])
    return fail(path, msg)
  }
  const c = scenario.clock
  return { ...scene, clock: { ...scene.clock, ...c } }
}

/** Names the scenario uses that the world does not have (populations, regions, pathways), and electrodes outside the tissue. */
export function checkAgainstParams(scenario: Scenario, params: Params, sceneName: string): void {
  const issues: ScenarioIssue[] = []
  const problem = (path: PathKey[], reason: string) => issues.push(issueAt(scenario.locations, pathString(path), reason))
  const check = (path: PathKey[], kind: 'population' | 'region' | 'pathway', name: string | undefined) => {
    if (name === undefined) return
    const known = kind === 'population' ? params.populations : kind === 'region' ? params.regions : params.pathways
    if (!known.includes(name)) problem(path, `unknown ${kind} "${name}" (${kind === 'pathway' ? 'pathways' : kind === 'region' ? 'regions' : 'populations'} of ${sceneName}: ${known.join(', ')})`)
  }
  for (const e of scenario.electrodes) {
    check(['electrodes', e.name, 'population'], 'population', e.population)
    check(['electrodes', e.name, 'region'], 'region', e.region)
    if (e.x_um < 0 || e.x_um > params.width_um) problem(['electrodes', e.name, 'x_um'], `${e.x_um} µm is outside the tissue (x: 0–${params.width_um} µm)`)
    if (e.y_um < 0 || e.y_um > params.height_um) problem(['electrodes', e.name, 'y_um'], `${e.y_um} µm is outside the tissue (y: 0–${params.height_um} µm)`)
  }
  for (const p of scenario.probes) {
    const base = ['probes', p.name, p.kind]
    if (p.kind === 'weight') {
      check([...base, 'pathway'], 'pathway', p.pathway)
      check([...base, 'onto'], 'population', p.onto)
    } else if (p.kind === 'response') {
      check([...base, 'population'], 'population', p.population)
    } else if (p.kind === 'field') {
      check([...base, 'population'], 'population', p.population)
      check([...base, 'region'], 'region', p.region)
      check([...base, 'pathway'], 'pathway', p.pathway)
      check([...base, 'onto'], 'population', p.onto)
      check([...base, 'from'], 'population', p.from)
      const of = resolveFieldName(p.of)
      if (typeof of === 'string') problem([...base, 'of'], of)
      else {
        const synapseOnly = (['pathway', 'onto', 'from'] as const).filter((k) => p[k] !== undefined)
        const neuronOnly = (['population', 'region'] as const).filter((k) => p[k] !== undefined)
        if (of.synapse && neuronOnly.length) problem([...base, neuronOnly[0]!], `${p.of} is a synapse field: select synapses by pathway, onto (post population), from (pre population), within or ids`)
        if (!of.synapse && synapseOnly.length) problem([...base, synapseOnly[0]!], `${p.of} is not a synapse field: select by population, region, within or ids`)
      }
    } else check([...base, 'population'], 'population', p.population)
  }
  for (const a of scenario.timeline) {
    const base: PathKey[] = ['timeline', a.index]
    if (a.kind === 'lesion') check([...base, 'lesion', 'population'], 'population', a.population)
    else if (a.kind === 'deprive' || a.kind === 'restore') check([...base, a.kind, 'population'], 'population', a.population)
    else if (a.kind === 'set') {
      const at = [...base, 'set']
      if (a.param !== undefined) {
        const slot = paramSlot(params, a.param)
        if (typeof slot === 'string') problem([...at, 'param'], slot)
      } else {
        const of = resolveFieldName(a.field!)
        if (typeof of === 'string') problem([...at, 'field'], of)
        check([...at, 'population'], 'population', a.population)
        check([...at, 'region'], 'region', a.region)
        check([...at, 'pathway'], 'pathway', a.pathway)
        check([...at, 'onto'], 'population', a.onto)
        check([...at, 'from'], 'population', a.from)
      }
    }
  }
  if (issues.length) throw new ScenarioError(scenario.file, issues)
}

/** Validate a scenario against the scene registry without building anything heavy; returns the scene. */
export function resolveScenario(scenario: Scenario, scenes: Record<string, SceneBuilder>): { scene: Scene; params: Params } {
  const scene = sceneOf(scenario, scenes)
  const params = mergeParams(scene)
  checkAgainstParams(scenario, params, scenario.scene.builder)
  return { scene, params }
}
