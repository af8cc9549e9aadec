import type * as Re2 from 're2js';

/**
 * Regular expressions an operator writes in the config (`expect.<record>.pattern`) and the probe runs against
 * text a remote server chose (DNS answers). They are RE2 syntax and run on RE2JS, whose matching time is linear
 * in the text: no pattern, however written, can backtrack past the probe's time budget. Backreferences and
 * lookaround are not RE2 and are rejected when the config is validated, by the same engine the probe uses.
 */

/** Longest pattern accepted: compiling is linear in its length too, and a record pattern is rarely 100 characters. */
export const PATTERN_MAX = 1000;

/** A compiled pattern: `test` finds a match anywhere in the text, as `RegExp.prototype.test` does. */
export interface Pattern {
  readonly source: string;
  test(text: string): boolean;
}

const compiled = new Map<string, Pattern>();

let re2: typeof Re2 | undefined;
/** RE2JS (260 KB) loads with the first pattern compiled: a config that has none never loads it. */
function engine(): typeof Re2 {
  re2 ??= require('re2js') as typeof Re2;
  return re2;
}

/** Compiles `source` (cached: a probe runs the same few patterns every slot); throws on invalid RE2 syntax. */
export function compilePattern(source: string): Pattern {
  const known = compiled.get(source);
  if (known) return known;
  if (source.length > PATTERN_MAX) throw new Error(`pattern longer than ${PATTERN_MAX} characters`);
  const re = engine().RE2JS.compile(source);
  const pattern: Pattern = { source, test: (text) => re.matcher(text).find() };
  compiled.set(source, pattern);
  return pattern;
}

/** Why `source` is not a pattern the probes can run, or undefined when it is. */
export function patternProblem(source: string): string | undefined {
  try {
    compilePattern(source);
    return undefined;
  } catch (err) {
    const reason =
      err instanceof engine().RE2JSSyntaxException
        ? err.message.replace(/^error parsing regexp: /, '')
        : String(err);
    return `must be a regular expression in RE2 syntax (no backreferences or lookaround): ${reason}`;
  }
}
