import { z } from 'zod';
import { PATTERN_MAX, patternProblem } from '../util/pattern';

/** The config field: a pattern validated by the engine that will run it. */
export const linearPattern = z
  .string()
  .min(1)
  .max(PATTERN_MAX)
  .superRefine((source, ctx) => {
    const problem = patternProblem(source);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
