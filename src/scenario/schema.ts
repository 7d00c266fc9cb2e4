/**
 * The scenario file format, as a zod schema of the file's *input* form (quantities are still
 * strings like "500 ms"). parse.ts validates a YAML document against it and then normalises the
 * result into a `Scenario` (src/scenario/types.ts). Keeping transforms out of the schema means it
 * can be exported as a JSON Schema unchanged (quantities carry their regular expressions).
 *
 * Every object is strict: an unknown key is an error, so a typo never falls back to a default.
 * Actions (timeline entries) and probes are objects with exactly one kind key, so the format grows
 * by adding keys:  `- at: 1 s  \n  stimulate: { electrode: S1, protocol: HFS }`.
 *
 * File layout (see scenes/quickstart.yaml for a worked example):
 *   name, description?, seed?, duration
 *   scene:      { builder, params? }
 *   clock?:     { dt?, slowTick?, timeWarp? }
 *   electrodes: { <name>: { x_um, y_um, radius_um, population?, region?, mode?, amplitude?, pulseWidth? } }
 *   timeline:   [ { at, stimulate: { electrode, protocol } } | { at, pair: { pre, post, dt, freq, count } } ]
 *   probes:     { <name>: { rate: {population?, bin?} } | { v: {neurons? | population?, first?, every?} }
 *                        | { spikes: {population?} } | { weight: {pathway?, onto?, every?, settled?} } }
 *   expect:     [ { name, metric: { probe, reduce, window, relativeTo?, compare? }, range: [lo, hi] } ]
 */
import * as z from 'zod'
import { PRESETS } from '../engine/protocols.ts'
import { CONCENTRATION, FREQUENCY, TIME, parseQuantity, quantityHint, quantityPattern, type Dimension } from './units.ts'

function quantity(dim: Dimension, signed = false) {
  const hint = quantityHint(dim, signed)
  return z
    .string({ error: (iss) => (iss.input === undefined ? `missing (${hint})` : `${hint}, got ${describe(iss.input)}`) })
    .regex(new RegExp(quantityPattern(dim, signed)), {
      error: (iss) => {
        try {
          parseQuantity(String(iss.input), dim, signed)
          return hint
        } catch (e) {
          return (e as Error).message
        }
      },
    })
    // The pattern admits numbers too large for a double ("1e400 ms"): the value must parse. (A
    // refinement, so the exported JSON Schema is unchanged; when the pattern fails too, the two
    // messages are equal and reported once.)
    .refine(
      (text) => {
        try {
          parseQuantity(text, dim, signed)
          return true
        } catch {
          return false
        }
      },
      {
        error: (iss) => {
          try {
            parseQuantity(String(iss.input), dim, signed)
            return hint
          } catch (e) {
            return (e as Error).message
          }
        },
      },
    )
    .meta({ description: hint })
}

/** A short rendering of a wrong value for messages. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a mapping'
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v)
  return `${typeof v} ${JSON.stringify(v)}`
}

export const time = () => quantity(TIME)
export const signedTime = () => quantity(TIME, true)
export const frequency = () => quantity(FREQUENCY)
export const concentration = () => quantity(CONCENTRATION)
const name = () => z.string().min(1)
const count = () => z.number().int().min(1)
const positive = () => z.number().positive()
/**
 * A bound of a range: a number, null for an open side, or YAML's .inf / -.inf. parse.ts turns
 * infinite numbers into the strings ".inf" / "-.inf" before validation, so that the schema stays
 * expressible as JSON Schema (JSON has no infinity) and JSON users can write them too.
 */
export const INFINITY_TEXT = { '.inf': Infinity, '+.inf': Infinity, '-.inf': -Infinity } as const
const bound = z.union([
  z.number(),
  z.null(),
  z.enum(Object.keys(INFINITY_TEXT) as [keyof typeof INFINITY_TEXT], {
    error: (iss) => `expected a number, .inf, -.inf or null, got ${describe(iss.input)}`,
  }),
])

/**
 * An object with exactly one of `kinds` (plus the keys of `common`). Unknown keys name the kinds,
 * so `- at: 1 s \n inject: ...` reads "unknown action "inject" (actions: stimulate, pair)".
 */
function oneOf<C extends z.ZodRawShape, K extends z.ZodRawShape>(what: string, common: C, kinds: K) {
  const kindNames = Object.keys(kinds)
  const partial = Object.fromEntries(Object.entries(kinds).map(([k, s]) => [k, (s as z.ZodType).optional()])) as unknown as {
    [P in keyof K]: z.ZodOptional<K[P]>
  }
  const shape = { ...common, ...partial }
  return z
    .strictObject(shape, {
      error: (iss) =>
        iss.code === 'unrecognized_keys'
          ? `unknown ${what} ${iss.keys.map((k) => `"${k}"`).join(', ')} (${what}s: ${kindNames.join(', ')}${Object.keys(common).length ? `; other keys: ${Object.keys(common).join(', ')}` : ''})`
          : undefined,
    })
    .superRefine((v, ctx) => {
      const present = kindNames.filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      if (present.length !== 1)
        ctx.addIssue({
          code: 'custom',
          message: present.length === 0 ? `expected one ${what} (${kindNames.join(', ')})` : `expected exactly one ${what}, got ${present.join(' and ')}`,
          path: present.length > 1 ? [present[1]!] : [],
        })
    })
}

const presetNames = Object.keys(PRESETS) as [string, ...string[]]

export const InlineProtocol = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('pulse') }),
  z.strictObject({ kind: z.literal('train'), freq: frequency(), count: count() }),
  z.strictObject({
    kind: z.literal('thetaBurst'),
    bursts: count(),
    pulsesPerBurst: count().optional(),
    intraFreq: frequency().optional(),
    burstInterval: time().optional(),
  }),
  z.strictObject({ kind: z.literal('poisson'), rate: frequency(), duration: time() }),
  z.strictObject({ kind: z.literal('step'), amplitude: z.number(), duration: time() }),
  z.strictObject({ kind: z.literal('ramp'), from: z.number(), to: z.number(), duration: time() }),
])

export const Protocol = z.union([
  z
    .enum(presetNames, {
      error: (iss) => `unknown protocol preset ${typeof iss.input === 'string' ? JSON.stringify(iss.input) : describe(iss.input)} (presets: ${presetNames.join(', ')}; or an inline protocol such as { kind: train, freq: 100 Hz, count: 100 })`,
    })
    .meta({ description: 'preset name (src/engine/protocols.ts PRESETS)' }),
  InlineProtocol,
])

export const Electrode = z.strictObject({
  x_um: z.number(),
  y_um: z.number(),
  radius_um: positive(),
  population: name().optional(),
  region: name().optional(),
  mode: z.enum(['spike', 'current']).optional(),
  amplitude: z.number().optional(),
  pulseWidth: time().optional(),
})

export const Action = oneOf(
  'action',
  {
    at: time(),
    variant: name()
      .optional()
      .meta({ description: 'only in this variant of the run (made by a fork action); without it an action runs in every line that exists at its time' }),
  },
  {
    stimulate: z.strictObject({ electrode: name(), protocol: Protocol }),
    pair: z.strictObject({ pre: name(), post: name(), dt: signedTime(), freq: frequency(), count: count() }),
    drug: z
      .strictObject({ apply: name().optional(), wash: name().optional(), concentration: concentration().optional() })
      .meta({ description: 'apply a drug to the bath (at its usual concentration unless one is given) or wash it out; drugs: APV, CNQX, bicuculline, TTX, anisomycin, KN-93, D-serine (components/drugs.ts)' }),
    advance: time().meta({ description: 'fast-forward slow time by this much without spiking (slow systems only, e.g. "48 h")' }),
    release: z
      .strictObject({
        modulator: z.enum(['dopamine', 'acetylcholine', 'noradrenaline']),
        amount: concentration().optional(),
        tonic: concentration().optional(),
        x_um: z.number().optional(),
        y_um: z.number().optional(),
        radius_um: positive().optional(),
      })
      .meta({ description: 'neuromodulator release (systems/neuromodulation.ts): a puff raising the level by `amount` (global, or over a disc at x_um, y_um of radius_um — default one grid cell), or a global tonic release whose steady-state level is `tonic`' }),
    lesion: z
      .strictObject({ x_um: z.number(), y_um: z.number(), radius_um: positive(), population: name().optional() })
      .meta({ description: 'remove the neurons (and their synapses) whose somata lie in the disc' }),
    deprive: z
      .strictObject({ channel: name().optional(), population: name().optional() })
      .meta({ description: "silence a sensory channel, or a population's background drive" }),
    restore: z.strictObject({ channel: name().optional(), population: name().optional() }).meta({ description: 'give back a deprived input as it was' }),
    train: z
      .strictObject({ channel: name(), rate: frequency(), duration: time(), every: time().optional(), count: count().optional() })
      .meta({ description: 'a repeated sensory pattern: the channel at `rate` for `duration`, `count` times (default 1) every `every` (default 2 × duration)' }),
    sleep: time().meta({ description: 'fast-forward slow time like advance, with the world asleep (sim.time.sleeping)' }),
    set: z
      .strictObject({
        param: z.string().regex(/^\w+(\.\w+)*$/).optional(),
        field: z.string().regex(/^[A-Za-z]\w*\.\w+$/).optional(),
        value: z.number().optional(),
        scale: z.number().optional(),
        population: name().optional(),
        region: name().optional(),
        pathway: name().optional(),
        onto: name().optional(),
        from: name().optional(),
        ids: z.array(z.number().int().min(0)).min(1).optional(),
      })
      .meta({ description: 'set (value) or multiply (scale) a world parameter (param: params path, e.g. receptors.Mg_mM) or a component field of a selection (field: Component.field)' }),
    snapshot: name().meta({ description: "keep the world's state under this name (neuroplast run writes <name>.npls)" }),
    fork: name().meta({ description: 'from here on the run continues as two lines: the main one and this variant (an exact copy; actions with `variant:` then make them differ)' }),
  },
)

export const Probe = oneOf(
  'probe kind',
  {},
  {
    rate: z.strictObject({ population: name().optional(), bin: time().optional() }),
    v: z.strictObject({
      neurons: z.array(z.number().int().min(0)).min(1).optional(),
      population: name().optional(),
      first: count().optional(),
      every: time().optional(),
    }),
    spikes: z.strictObject({ population: name().optional() }),
    weight: z.strictObject({
      pathway: name().optional(),
      onto: name().optional(),
      every: time().optional(),
      settled: z.boolean().optional(),
      between: z.tuple([z.number(), z.number()]).optional().meta({ description: 'record the fraction of the synapses with lo ≤ weight ≤ hi instead of the mean weight' }),
      ratioCv: z.boolean().optional().meta({ description: 'record the largest, over postsynaptic neurons, coefficient of variation of w(t)/w(first sample) across each neuron\'s synapses (0 for a change by one factor per neuron: multiplicative scaling)' }),
    }),
    field: z
      .strictObject({
        of: z.string().regex(/^[A-Za-z]\w*\.\w+$/, { error: 'expected Component.field, e.g. "Synapse.weight" or "Neuron.rate_Hz"' }),
        stat: z.enum(['mean', 'sd', 'cv', 'min', 'p10', 'median', 'p90', 'max', 'fractionAbove', 'fractionBelow', 'n']).optional(),
        threshold: z.number().optional(),
        every: time().optional(),
        population: name().optional(),
        region: name().optional(),
        pathway: name().optional(),
        onto: name().optional(),
        from: name().optional(),
        within: z.strictObject({ x_um: z.number(), y_um: z.number(), radius_um: positive() }).optional(),
        ids: z.array(z.number().int().min(0)).min(1).optional(),
      })
      .meta({ description: 'statistics (stat, default mean) of any component field over a selection of neurons or synapses (src/scenario/fieldProbe.ts)' }),
    response: z
      .strictObject({
        electrode: name(),
        population: name().optional(),
        window: time().optional(),
        measure: z.enum(['conductance', 'epsp']).optional(),
      })
      .meta({ description: "a population's synaptic response to each pulse of an electrode (fEPSP-style; src/scenario/responseProbe.ts): peak summed AMPA conductance (measure: conductance, default) or peak mean EPSP (epsp) within window (default 20 ms)" }),
  },
)

const timeWindow = z.tuple([time(), time()])

export const Expectation = z.strictObject({
  name: name(),
  metric: z.strictObject({
    probe: name(),
    reduce: z.enum(['mean', 'max', 'min', 'count']),
    window: timeWindow,
    relativeTo: timeWindow.optional(),
    compare: z.enum(['ratio', 'difference']).optional(),
    relativeProbe: name().optional().meta({ description: 'baseline from this other probe (over relativeTo, default: the same window)' }),
    variant: name().optional().meta({ description: 'measure in this variant of the run (a fork); default the main line' }),
    relativeVariant: name().optional().meta({ description: 'take the baseline (relativeTo) from this line: main or a variant; default the same line as the window' }),
  }),
  range: z.tuple([bound, bound]),
})

export const ScenarioFile = z.strictObject({
  name: name(),
  description: z.string().optional(),
  scene: z.strictObject({ builder: name(), params: z.record(z.string(), z.unknown()).optional() }),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  tier: z.enum(['quick', 'full']).optional().meta({ description: 'validation tier: "full" scenarios run only under `neuroplast validate --full` (default quick)' }),
  duration: time(),
  clock: z.strictObject({ dt: time().optional(), slowTick: time().optional(), timeWarp: positive().optional() }).optional(),
  electrodes: z.record(name(), Electrode).optional(),
  timeline: z.array(Action).optional(),
  probes: z.record(name(), Probe).optional(),
  expect: z.array(Expectation).optional(),
})

export type ScenarioInput = z.infer<typeof ScenarioFile>
export type ProtocolInput = z.infer<typeof Protocol>
export type ProbeInput = z.infer<typeof Probe>
