/**
 * A scenario as the runner uses it: the file's content validated and normalised — quantities in
 * engine units (ms, Hz), named things kept by name (resolved against the world when a run is made),
 * defaults filled in. Plain data (JSON-able), so the page can hold it, show it and send it around.
 */
import type { ProtocolSpec } from '../engine/protocols.ts'

export interface SourcePos {
  line: number
  column: number
}

export interface ElectrodeDef {
  name: string
  x_um: number
  y_um: number
  radius_um: number
  /** Target population name (undefined: any). */
  population?: string
  /** Target region name (undefined: any). */
  region?: string
  mode: 'spike' | 'current'
  /** Current per pulse in current mode (pA for LIF cells, model units for Izhikevich cells). */
  amplitude: number
  pulseWidth_ms: number
}

interface ActionBase {
  /** Fast time from the start of the scenario. */
  at_ms: number
  /** Position in the file's timeline (for messages: `timeline[index]`). */
  index: number
  /** Only in this variant (line made by a fork); undefined: in every line existing at that time. */
  variant?: string
}

/** From here on, the run continues as the main line plus the variant `name` (a copy of the main line). */
export interface ForkAction extends ActionBase {
  kind: 'fork'
  name: string
}

export interface StimulateAction extends ActionBase {
  kind: 'stimulate'
  electrode: string
  protocol: ProtocolSpec
  /** Preset name when the protocol was given by name. */
  preset?: string
}

export interface PairAction extends ActionBase {
  kind: 'pair'
  pre: string
  post: string
  /** Post pulse minus pre pulse. */
  dt_ms: number
  freq_Hz: number
  count: number
}

export interface DrugAction extends ActionBase {
  kind: 'drug'
  /** Canonical drug name (components/drugs.ts). */
  drug: string
  op: 'apply' | 'wash'
  /** Bath concentration (µM) for 'apply'; undefined: the drug's usual bath concentration. */
  concentration_uM?: number
}

export interface AdvanceAction extends ActionBase {
  kind: 'advance'
  /** Slow time to fast-forward (ms), slow systems only. */
  duration_ms: number
}

/** Actions of src/scenario/actions.ts (train is expanded into channelRate actions). */
export type TissueAction =
  | (ActionBase & { kind: 'lesion'; x_um: number; y_um: number; radius_um: number; population?: string })
  | (ActionBase & { kind: 'deprive' | 'restore'; channel?: string; population?: string })
  | (ActionBase & { kind: 'channelRate'; channel: string; /** null: back to the rate before the pattern */ rate_Hz: number | null })
  | (ActionBase & { kind: 'sleep'; duration_ms: number })
  | (ActionBase & { kind: 'snapshot'; name: string })
  | (ActionBase & {
      kind: 'set'
      param?: string
      field?: string
      value?: number
      scale?: number
      population?: string
      region?: string
      pathway?: string
      onto?: string
      from?: string
      ids?: number[]
    })

/** Neuromodulator release (systems/neuromodulation.ts). */
export interface ReleaseAction extends ActionBase {
  kind: 'release'
  modulator: 'dopamine' | 'acetylcholine' | 'noradrenaline'
  /** Puff: concentration increase (µM), global or averaged over the disc. */
  amount_uM?: number
  /** Tonic global release with this steady-state level (µM); 0 stops it. */
  tonic_uM?: number
  x_um?: number
  y_um?: number
  radius_um?: number
}

export type TimelineAction = StimulateAction | PairAction | DrugAction | AdvanceAction | TissueAction | ForkAction | ReleaseAction

export type ProbeDef =
  | { name: string; kind: 'rate'; population?: string; bin_ms: number }
  | { name: string; kind: 'v'; neurons?: number[]; population?: string; first: number; every_ms: number }
  | { name: string; kind: 'spikes'; population?: string }
  | { name: string; kind: 'weight'; pathway?: string; onto?: string; every_ms: number; settled?: boolean; between?: [number, number]; ratioCv?: boolean }
  | {
      name: string
      kind: 'field'
      /** "Component.field" (src/scenario/fieldProbe.ts). */
      of: string
      stat: FieldStat
      threshold?: number
      every_ms: number
      population?: string
      region?: string
      pathway?: string
      onto?: string
      from?: string
      within?: { x_um: number; y_um: number; radius_um: number }
      ids?: number[]
    }
  | ResponseProbeDef

export type ResponseProbeDef = { name: string; kind: 'response'; electrode: string; population?: string; window_ms: number; measure: 'conductance' | 'epsp' }

export type FieldStat = 'mean' | 'sd' | 'cv' | 'min' | 'p10' | 'median' | 'p90' | 'max' | 'fractionAbove' | 'fractionBelow' | 'n'

export type ProbeKind = ProbeDef['kind']
export type Reduce = 'mean' | 'max' | 'min' | 'count'

/** Reductions that make sense for each probe kind (see src/scenario/metrics.ts). */
export const REDUCES: Record<ProbeKind, readonly Reduce[]> = {
  rate: ['mean', 'max', 'min', 'count'],
  spikes: ['count', 'mean'],
  v: ['mean', 'max', 'min'],
  weight: ['mean', 'max', 'min'],
  field: ['mean', 'max', 'min'],
  response: ['mean', 'max', 'min', 'count'],
}

export interface ExpectDef {
  name: string
  probe: string
  reduce: Reduce
  window_ms: [number, number]
  /** Baseline window: the measured value is reduce(window) / reduce(relativeTo). */
  relativeTo_ms?: [number, number]
  /** With relativeTo: 'ratio' (default) reduce(window) / reduce(relativeTo), 'difference' reduce(window) − reduce(relativeTo). */
  compare?: 'ratio' | 'difference'
  /** Baseline from this probe instead of `probe` (relativeTo_ms is then set, by default to window_ms). */
  relativeProbe?: string
  /** Measure in this variant (fork) of the run; undefined: the main line. */
  variant?: string
  /** Baseline from this line ('main' or a variant); undefined: the window's line. */
  relativeVariant?: string
  /** Inclusive bounds; ±Infinity for an open side. */
  range: [number, number]
}

export interface ClockOverrides {
  dt_ms?: number
  slowTick_ms?: number
  timeWarp?: number
}

export interface Scenario {
  /** The file it came from (as given to parseScenario). */
  file: string
  name: string
  description: string
  scene: { builder: string; params: Record<string, unknown> }
  seed: number
  /** Validation tier: 'full' scenarios run only under `validate --full`. */
  tier: 'quick' | 'full'
  duration_ms: number
  clock: ClockOverrides
  electrodes: ElectrodeDef[]
  /** In order of time (file order among equal times). */
  timeline: TimelineAction[]
  probes: ProbeDef[]
  expect: ExpectDef[]
  /** Where each field was written, by path ("timeline[2].at"): for errors found after parsing. */
  locations: Record<string, SourcePos>
}
