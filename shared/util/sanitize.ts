/**
 * Escaping per sink for text that someone else wrote (SMTP banners, TXT records, DNSBL reasons, certificate
 * fields). Every helper bounds the length first, so a 100 KB banner costs little and shows as a short line.
 * Nothing here interprets the text; it only makes it inert where it is shown.
 */

/** Default bound for one untrusted field on a terminal, in Slack, in a mail body. */
export const FIELD_MAX = 500;
/** SNS rejects subjects of 100 characters or more. */
export const SNS_SUBJECT_MAX = 99;

const ELLIPSIS = '…';

/** Cuts `text` to at most `max` UTF-16 units without splitting a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = max > 0 && isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Bounds `text` to `max` characters, marking the cut with `marker` (counted within `max`). */
export function truncate(text: string, max: number, marker = ELLIPSIS): string {
  if (text.length <= max) return text;
  if (max <= marker.length) return cut(text, max);
  return cut(text, max - marker.length) + marker;
}

/** Lone surrogates become U+FFFD, so the text encodes as valid UTF-8 (JSON, SNS, HTTP bodies). */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Work bound: untrusted input is cut to a multiple of its output bound before any regex runs over it. */
function prebound(text: string, max: number): string {
  return cut(text, max * 4 + 16);
}

/** CSI (`ESC [ … final`, and the 8-bit CSI 0x9B), OSC (`ESC ] … BEL|ESC \`), and two-byte `ESC x` sequences. */
const ANSI_SEQUENCE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** C0 and C1 controls, DEL, and the bidirectional overrides that can reorder what a terminal shows. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const TERMINAL_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visibleEscape(ch: string): string {
  const named = NAMED_ESCAPES[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * For a terminal: ANSI escape sequences are removed, every other control character (newlines too unless
 * `multiline`) is shown as a visible escape such as `\x07`, so untrusted text can neither recolour, move the
 * cursor, retitle the window, nor fake extra output lines.
 */
export function terminalText(text: string, options: { max?: number; multiline?: boolean } = {}): string {
  const max = options.max ?? FIELD_MAX;
  const stripped = prebound(text, max).replace(ANSI_SEQUENCE, '');
  const escaped = stripped.replace(TERMINAL_UNSAFE, (ch) =>
    options.multiline && ch === '\n' ? ch : visibleEscape(ch),
  );
  return truncate(wellFormed(escaped), max);
}

/** Controls that have no business in a chat message or mail body: all but tab and newline. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const TEXT_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** For a plain-text mail body (SNS email): controls removed except tab and newline, CRLF normalised, bounded. */
export function plainText(text: string, max = FIELD_MAX): string {
  const cleaned = prebound(text, max)
    .replace(/\r\n?/g, '\n')
    .replace(ANSI_SEQUENCE, '')
    .replace(TEXT_UNSAFE, '');
  return truncate(wellFormed(cleaned), max);
}

/** Slack's broadcast keywords, which some surfaces turn into mentions even without `<…>`. */
const BROADCAST = /@(channel|here|everyone)\b/gi;
const WORD_JOINER = '\u2060';

/**
 * For Slack mrkdwn: `&`, `<`, `>` are entity-escaped so no `<!channel>`, `<@U…>` or `<url|label>` can be
 * formed, bare `@channel`/`@here`/`@everyone` are broken with an invisible word joiner, controls are removed.
 * Use with `verbatim: true` text objects so Slack does not auto-link the rest either.
 */
export function slackText(text: string, max = FIELD_MAX): string {
  const cleaned = plainText(text, max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(BROADCAST, `@${WORD_JOINER}$1`);
  if (cleaned.length <= max) return cleaned;
  // Escaping lengthened it: bound the escaped form again, dropping an entity the cut would split.
  return cut(cleaned, max - ELLIPSIS.length).replace(/&[a-z]*$/, '') + ELLIPSIS;
}

/** For text inside a Slack code span: a backtick would end the span, so it becomes a modifier grave accent. */
export function slackCode(text: string, max = FIELD_MAX): string {
  return slackText(text, max).replace(/`/g, '\u02cb');
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f]+/g;

/**
 * For an SNS Subject: printable ASCII only (accents folded, anything else `?`), whitespace and line breaks
 * collapsed to one space, starting with a visible character, at most 99 characters.
 */
export function snsSubject(text: string): string {
  const folded = prebound(text, SNS_SUBJECT_MAX)
    .replace(ANSI_SEQUENCE, '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(SPACE_OR_CONTROL, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  return truncate(folded, SNS_SUBJECT_MAX, '...') || 'mailprobe alert';
}

/**
 * What a spreadsheet may run as a formula (OWASP CSV injection): a leading `= + - @` (also after leading
 * blanks), or a leading tab or line break.
 */
const FORMULA_START = /^(\s*[=+\-@]|[\t\r\n])/;

/**
 * One CSV cell (RFC 4180): numbers as they are; text with a leading formula character prefixed with `'` so
 * spreadsheets show it instead of running it, controls other than tab/newline removed, always quoted.
 */
export function csvCell(value: string | number | boolean | null | undefined, max = 4 * FIELD_MAX): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  const text = plainText(String(value), max);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** For HTML text and attribute values: the five markup characters entity-escaped, controls removed, bounded. */
export function htmlText(text: string, max = 4 * FIELD_MAX): string {
  return plainText(text, max).replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch] ?? ch);
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` become `\u003c`-style escapes (so no
 * `</script>` or `<!--` can end or change the block) and U+2028/U+2029 are escaped; JSON.parse reads it back.
 */
export function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** DEL, the C1 controls (U+009B is a terminal CSI on its own), the line separators and the bidi controls. */
const JSON_RAW_CONTROLS = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A value as JSON text for stdout, a file or a pipe. JSON.stringify escapes only U+0000-U+001F; here every other
 * control a terminal or a JavaScript parser would act on leaves as a `\uXXXX` escape, so `cat`-ing the output or
 * embedding it in a script is inert. The parsed value is unchanged. (These characters can only occur inside
 * JSON strings, so escaping them in the serialised text is always valid.)
 */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    JSON_RAW_CONTROLS,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
