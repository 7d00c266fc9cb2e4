/**
 * Scene registry: tissue builders by name. Only the faces (CLI, page, recorder, tests) import this;
 * the scenario runner is handed it, so nothing below the faces reaches up into scenes/.
 */
import type { Scene } from '../src/engine/world.ts'
import type { SceneParams } from './params.ts'
import { hippocampalSlice } from './hippocampalSlice.ts'
import { corticalSheet } from './corticalSheet.ts'
import { izhikevich2003 } from './izhikevich2003.ts'
import { plasticPairs } from './plasticPairs.ts'
import { songAbbott } from './songAbbott.ts'
import { vogels2011 } from './vogels2011.ts'
import { calciumControlScene } from './calciumControl.ts'
import { bcmPatterns } from './bcmPatterns.ts'
import { scalingNetwork } from './scalingNetwork.ts'
import { taggingNeuron } from './taggingNeuron.ts'
import { izhikevich2007 } from './izhikevich2007.ts'

export type SceneBuilder = (params?: SceneParams) => Scene

export const SCENES: Record<string, SceneBuilder> = {
  hippocampalSlice,
  corticalSheet,
  izhikevich2003,
  plasticPairs,
  songAbbott,
  vogels2011,
  calciumControl: calciumControlScene,
  bcmPatterns,
  scalingNetwork,
  taggingNeuron,
  izhikevich2007,
}

export { SceneParamError } from './params.ts'
export type { SceneParams }
