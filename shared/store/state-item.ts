import { gunzipSync, gzipSync } from 'node:zlib';
import type { ProbeState } from '../alert/types';
import type { Item } from './items';

/** The attribute holding a state's per-check memory, probe memo and recent verdicts as gzipped JSON. */
const BODY_ATTRIBUTE = 'body';

type Body = Pick<ProbeState, 'checks' | 'memo' | 'recent'>;

/**
 * The stored form of a state, saved on every run: the scalars as plain attributes (readable in the console, used
 * in conditions), the per-check map and the memo as one compressed binary. A dns probe's state is 2.5-4 KB as plain
 * attributes (its checks, and the records its drift memo keeps) and about a third of that compressed, one or two
 * write units instead of three or four.
 */
export function encodeState(state: ProbeState): Item {
  const { checks, memo, recent, ...rest } = state;
  const body: Body = { checks, memo, recent };
  // JSON round trip: drops undefined fields, which DynamoDB cannot store.
  return { ...JSON.parse(JSON.stringify(rest)), [BODY_ATTRIBUTE]: gzipSync(JSON.stringify(body)) };
}

/** A state item read back (its key attributes already removed). A state saved uncompressed is read as it is. */
export function decodeState(item: Item): ProbeState {
  const { [BODY_ATTRIBUTE]: raw, ...rest } = item;
  if (!(raw instanceof Uint8Array)) return rest as unknown as ProbeState;
  const body = JSON.parse(gunzipSync(raw).toString('utf8')) as Body;
  return { ...(rest as unknown as ProbeState), ...body };
}
