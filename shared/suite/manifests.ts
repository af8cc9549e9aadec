import type { AnyKindManifest } from '../probes/manifest';
import * as kinds from './kinds';

type Kinds = (typeof kinds)[keyof typeof kinds];
type Intersection<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;

/** The group schema of every kind (a union of zod schemas). */
export type GroupSchema = Kinds['group'];
/** The `targets` fields of every kind, merged. */
export type TargetFields = Intersection<Kinds['targetFields']>;

/** Every kind's manifest, in one list. */
export const MANIFESTS: readonly AnyKindManifest[] = Object.values(kinds);

export function manifestOf(kind: string): AnyKindManifest {
  const manifest = MANIFESTS.find((m) => m.kind === kind);
  if (!manifest)
    throw new Error(`no probe kind "${kind}" (known: ${MANIFESTS.map((m) => m.kind).join(', ')})`);
  return manifest;
}

export const GROUP_SCHEMAS = MANIFESTS.map((m) => m.group) as unknown as [GroupSchema, ...GroupSchema[]];
export const TARGET_FIELDS = Object.assign({}, ...MANIFESTS.map((m) => m.targetFields)) as TargetFields;
