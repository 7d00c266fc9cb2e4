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

const DEFAULT_SCENARIO_FILE = 'scenes/quickstart.yaml'

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
  const opts = parsePageOptions(location.search, Object.keys(SCENES))
  const session = openSession(opts, errors)
  if (errors.length) {
    for (const m of errors) console.warn(`neuroplast: ${m}`)
    showErrors(errors)
  }

  const view = await createView(document.getElementById('stage')!, session.sim)
  const loop = createLoop(session, { speed: opts.speed, paused: opts.paused })
  const hud = createHud(session, loop)
  loop.onError = (e) => {
    const m = `The simulation stopped at t = ${session.sim.time.step * session.sim.time.dt_ms} ms: ${message(e)}`
    console.error(`neuroplast: ${m}`)
    errors.push(m)
    hud.showErrors([m])
  }

  for (const w of session.run?.warnings ?? []) console.warn(`neuroplast: ${w}`)

  const hook = sessionHook(session, loop, view, errors)
  window.__neuroplast = hook
  // The page's frame loop: step within the budget, redraw if anything changed.
  const frame = () => {
    loop.tick()
    view.frame()
    hud.update(view.stats())
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
