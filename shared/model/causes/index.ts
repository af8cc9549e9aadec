import * as catalogs from './catalogs';
import type { Cause } from './types';

export type { Cause } from './types';

type Sections = (typeof catalogs)[keyof typeof catalogs];
type Merged<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;

/** The cause catalog: the only place where explanations and remediations live. */
export const causes = Object.assign({}, ...Object.values(catalogs)) as Merged<Sections>;

export type CauseId = keyof typeof causes;

export function cause(id: CauseId): Cause {
  return causes[id];
}

export function isCauseId(id: string): id is CauseId {
  return Object.hasOwn(causes, id);
}
