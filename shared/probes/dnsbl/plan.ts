import type { DnsblOptions } from './config';
import type { ZoneSpec } from './zone-spec';
import { type CatalogZone, ZONE_CATALOG, type ZoneKeyOption } from './zones';

/** A zone chosen for querying, with its overrides applied. `keyed` zones are queried under a secret name. */
export interface PlannedZone {
  spec: ZoneSpec;
  keyed?: { option: ZoneKeyOption; template: string };
}

/** A zone ready to query: `queryZone` may contain a secret key and must only ever reach the resolver. */
export interface ActiveZone {
  spec: ZoneSpec;
  queryZone: string;
}

function applyOverride(spec: ZoneSpec, options: DnsblOptions): ZoneSpec {
  const o = options.overrides[spec.zone];
  if (!o) return spec;
  return {
    ...spec,
    codes: { ...spec.codes, ...o.codes },
    errors: { ...spec.errors, ...o.errors },
    severity: o.severity ?? spec.severity,
    undocumented: o.undocumented ?? spec.undocumented,
    infoUrl: o.infoUrl ?? spec.infoUrl,
    delistUrl: o.delistUrl ?? spec.delistUrl,
    selfTest: o.selfTest ?? spec.selfTest,
  };
}

function wanted(entry: CatalogZone, options: DnsblOptions): boolean {
  const name = entry.spec.zone;
  if (options.excludeZones.includes(name)) return false;
  if (options.zones.includes(name)) return true;
  if (!options.defaultZones || !entry.byDefault) return false;
  return !entry.key || options[entry.key.option] !== undefined;
}

/** The zones a group queries, in catalog order then custom zones, before any key is resolved. */
export function planZones(options: DnsblOptions): PlannedZone[] {
  const fromCatalog = ZONE_CATALOG.filter((entry) => wanted(entry, options)).map(
    (entry): PlannedZone => ({
      spec: applyOverride(entry.spec, options),
      ...(entry.key && options[entry.key.option] !== undefined
        ? { keyed: { option: entry.key.option, template: entry.key.zone } }
        : {}),
    }),
  );
  const custom = options.customZones.map((spec): PlannedZone => ({ spec: applyOverride(spec, options) }));
  return [...fromCatalog, ...custom];
}

/** Substitutes resolved keys; a keyed zone whose key is missing from `keys` is left out (the caller reports it). */
export function activateZones(
  planned: PlannedZone[],
  keys: Partial<Record<ZoneKeyOption, string>>,
): ActiveZone[] {
  return planned.flatMap((p): ActiveZone[] => {
    if (!p.keyed) return [{ spec: p.spec, queryZone: p.spec.zone }];
    const key = keys[p.keyed.option];
    return key === undefined ? [] : [{ spec: p.spec, queryZone: p.keyed.template.replace('{key}', key) }];
  });
}
