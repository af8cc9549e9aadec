/** A catalog entry: why a check is not `pass`, in words an on-call engineer can act on. */
export interface Cause {
  /** Short, fits an alert subject: "SMTP AUTH rejected (535 5.7.8)". */
  title: string;
  /** What the symptom means and what typically produces it. */
  explanation: string;
  /** What an expert would do next, concretely (commands, settings, who to ask). */
  remediation: string;
  /** Where the text this cause decodes is published (a provider's error-code page, an RFC), when it is external. */
  source?: string;
}

export type CauseTable = Record<string, Cause>;
