/**
 * The page: opens the default scene (the scenario scenes/quickstart.yaml) or a bare registry scene
 * from the URL (see url.ts), shows it in the tissue view, and runs it frame by frame within a time
 * budget. Bad URL values or a failing scene never leave a blank page: the error box says what was
 * wrong and the default scene runs.
 */
import quickstartYaml from '../../scenes/quickstart.yaml?raw'
import { SCENES } from '../../scenes/index.ts'
import { createView } from '../view/view.ts'
import { parsePageOptions, type PageOptions } from './url.ts'
import { openScenario, openScene, type Session } from './session.ts'
import { createLoop } from './loop.ts'
import { createHud, showErrors } from './hud.ts'
import { emptyHook, sessionHook } from './hook.ts'
import { createApp } from './app.ts'
import { bindInput } from './input.ts'
import { createInspector } from './inspector.ts'
import { createTools } from './tools.ts'
import { createDrugsPanel } from './drugs.ts'
import { createWorldPanel } from './persist.ts'
import { renderLegend } from './legend.ts'
import { createBackground } from './background.ts'
import { createRewind } from './rewind.ts'
import { createScenarioPanel } from './scenarioPanel.ts'
import { createPlots } from './plots.ts'
import { createTissueTools } from './tissueTools.ts'
import { createParamsPanel } from './params.ts'

const DEFAULT_SCENARIO_FILE = 'scenes/quickstart.yaml'

/** Every shipped scenario file, by repository path (for ?scenario= links). */
export const SCENARIO_FILES: Record<string, string> = Object.fromEntries(
  Object.entries(import.meta.glob('../../scenes/**/*.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>).map(([k, v]) => [
    k.replace(/^(\.\.\/)+/, ''),
    v,
  ]),
)

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

function openSession(opts: PageOptions, errors: string[]): Session {
  errors.push(...opts.errors)
  if (opts.scene) {
    try {
      return openScene(opts.scene, opts.params, opts.seed)
    } catch (e) {
      errors.push(`Scene "${opts.scene}" could not be built: ${message(e)}. Showing the default scene instead.`)
    }
  }
  if (opts.scenarioFile) {
    try {
      return openScenario(SCENARIO_FILES[opts.scenarioFile]!, opts.scenarioFile, opts.seed)
    } catch (e) {
      errors.push(`Scenario ${opts.scenarioFile} could not be opened: ${message(e)}. Showing the default scene instead.`)
    }
  }
  if (opts.scenarioText !== undefined) {
    try {
      return openScenario(opts.scenarioText, 'shared scenario', opts.seed, false)
    } catch (e) {
      errors.push(`The scenario in the link could not be opened: ${message(e)}. Showing the default scene instead.`)
    }
  }
  try {
    return openScenario(quickstartYaml, DEFAULT_SCENARIO_FILE, opts.seed)
  } catch (e) {
    errors.push(`The default scenario ${DEFAULT_SCENARIO_FILE} could not be opened: ${message(e)}. Showing the bare hippocampal slice instead.`)
    return openScene('hippocampalSlice', {}, opts.seed)
  }
}

async function boot(): Promise<void> {
  const errors: string[] = []
  window.__neuroplast = emptyHook(errors)
  const opts = parsePageOptions(location.search, Object.keys(SCENES), Object.keys(SCENARIO_FILES))
  const session = openSession(opts, errors)
  if (errors.length) {
    for (const m of errors) console.warn(`neuroplast: ${m}`)
    showErrors(errors)
  }

  const view = await createView(document.getElementById('stage')!, session.sim)
  const loop = createLoop(session, { speed: opts.speed, paused: opts.paused })
  const app = createApp(session, loop, view, errors, showErrors)
  const hud = createHud(app)
  loop.onError = (e) => {
    const sim = app.session.sim
    const m = `The simulation stopped at t = ${sim.time.step * sim.time.dt_ms} ms: ${message(e)}`
    console.error(`neuroplast: ${m}`)
    errors.push(m)
    hud.showErrors([m])
  }

  for (const w of session.run?.warnings ?? []) console.warn(`neuroplast: ${w}`)

  const inspector = createInspector(app)
  const tools = createTools(app)
  const tissue = createTissueTools(app, (m) => m && tools.setPlacing(false))
  tools.onPlacing = (on) => on && tissue.setMode(null)
  const drugs = createDrugsPanel(app)
  const world = createWorldPanel(app)
  const background = createBackground(app)
  const rewind = createRewind(app)
  const scenarioPanel = createScenarioPanel(app, world)
  const plots = createPlots(app)
  const params = createParamsPanel(app)
  renderLegend()
  // The tissue takes keyboard focus (after the HUD's controls, before the side panels).
  view.app.canvas.tabIndex = 0
  bindInput(view, {
    click(sx, sy) {
      if (tools.placing) {
        tools.placeAt(sx, sy)
        return
      }
      if (tissue.mode) {
        tissue.applyAt(sx, sy)
        return
      }
      const p = view.pick(sx, sy)
      inspector.select(p && p.kind !== 'electrode' ? { kind: p.kind, id: p.id } : null)
    },
    dragStart: (sx, sy) => tools.dragStart(sx, sy),
    dragMove: (sx, sy) => tools.dragMove(sx, sy),
    dragEnd: () => tools.dragEnd(),
  })
  hud.onEscape = () => {
    tools.setPlacing(false)
    tissue.setMode(null)
    inspector.select(null)
  }

  const hook = sessionHook(app)
  hook.panels.inspector = inspector
  hook.panels.tools = tools
  hook.panels.tissue = tissue
  hook.panels.drugs = drugs
  hook.panels.world = world
  hook.panels.background = background
  hook.panels.rewind = rewind
  hook.panels.scenario = scenarioPanel
  hook.panels.plots = plots
  hook.panels.params = params
  window.__neuroplast = hook
  // The page's frame loop: step within the budget, redraw if anything changed.
  const frame = () => {
    loop.tick()
    rewind.tick()
    view.frame()
    hud.update(view.stats())
    inspector.update()
    drugs.update()
    scenarioPanel.update()
    plots.update()
    hook.frames++
    requestAnimationFrame(frame)
  }
  hud.update(view.stats())
  hook.ready = true
  requestAnimationFrame(frame)
}

boot().catch((e) => {
  const m = `The page could not start: ${message(e)}`
  console.error(`neuroplast: ${m}`, e)
  showErrors([m])
  window.__neuroplast.errors.push(m)
})
