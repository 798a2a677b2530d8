// The -R input tokenizer: ipvsadm's config_stream_read, which reads stdin with
// fscanf("%4096[^ \t\n\r]%1[ \t\n\r]") one line at a time. Reproduced step by step, because its
// end-of-input behaviour is not simply "split into lines".

/** Characters that separate tokens. \v and \f are not among them. */
const isSeparator = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** The scanf field width: longer runs are cut into tokens of this many characters. */
const MAX_TOKEN = 4096;

/**
 * Split -R input into command lines (argument vectors without argv[0]), as ipvsadm would run
 * them:
 * - tokens are runs of characters other than space, tab, \n and \r; there is no quoting and no
 *   comment syntax (`#` is an ordinary token);
 * - a token that is exactly `ipvsadm` is dropped wherever it stands;
 * - lines left without tokens (blank, white space only, only `ipvsadm`) are skipped;
 * - a last line without a newline is still returned, unless at least two white-space
 *   characters follow its last token: then the reader meets end of input while skipping
 *   white space and throws the line away.
 */
export function tokenizeRestoreInput(text: string): string[][] {
  return tokenizeRestoreLines(text).map((l) => l.tokens);
}

/** One command line of -R input and the input line (1-based) its first token stands on. */
export interface RestoreLine {
  line: number;
  tokens: string[];
}

/** White space between tokens on one line (\n ends the line). */
const LINE_SEPARATORS = /[ \t\r]+/;

/**
 * tokenizeRestoreInput with line numbers, for messages that point into a rules file. A command
 * line is always one input line (every \n ends one), so this splits by lines and then by white
 * space with native string functions rather than walking characters (a character loop was half
 * of reading a 16,000-service file); test/unit/parse-restore.test.ts checks it against the
 * character-by-character transcription of config_stream_read on generated inputs.
 */
export function tokenizeRestoreLines(text: string): RestoreLine[] {
  const lines: RestoreLine[] = [];
  let lineNumber = 0;
  for (let start = 0; start < text.length; ) {
    lineNumber++;
    let end = text.indexOf('\n', start);
    const last = end < 0;
    if (last) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    const tokens: string[] = [];
    let runs = 0;
    for (const run of line.split(LINE_SEPARATORS)) {
      if (run === '') continue;
      runs++;
      for (let at = 0; at < run.length; at += MAX_TOKEN) {
        let token = run.length > MAX_TOKEN ? run.slice(at, at + MAX_TOKEN) : run;
        const nul = token.indexOf('\0');
        if (nul >= 0) token = token.slice(0, nul); // the token is a C string from here on
        if (token !== 'ipvsadm') tokens.push(token);
      }
    }
    // The last line without a newline: the reader meets end of input while skipping white
    // space (and drops the line) when two or more white-space characters follow its last token.
    if (last && runs > 0 && trailingSeparators(line) >= 2) continue;
    if (tokens.length > 0) lines.push({ line: lineNumber, tokens });
  }
  return lines;
}

/** How many separators (space, tab, \r) end `line`. */
function trailingSeparators(line: string): number {
  let n = 0;
  while (n < line.length && isSeparator(line[line.length - 1 - n])) n++;
  return n;
}
