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

/** tokenizeRestoreInput with line numbers, for messages that point into a rules file. */
export function tokenizeRestoreLines(text: string): RestoreLine[] {
  const lines: RestoreLine[] = [];
  let pos = 0;
  let newlines = 0;
  let firstLine = 1;

  /** One config_stream_read call: a line's tokens, or null at end of input. */
  const readLine = (): string[] | null => {
    const tokens: string[] = [];
    let tail = '';
    for (;;) {
      // fscanf returns EOF: end of input before anything was converted.
      if (pos >= text.length) return tokens.length === 0 ? null : tokens;
      const start = pos;
      while (pos < text.length && !isSeparator(text[pos]) && pos - start < MAX_TOKEN) pos++;
      if (pos === start) {
        // No token here (the next character is a separator): skip white space by hand.
        for (;;) {
          if (pos >= text.length) return null; // end of input drops the line
          const c = text[pos++];
          if (c === '\n') {
            newlines++;
            return tokens;
          }
          if (c !== ' ' && c !== '\t' && c !== '\r') {
            pos--;
            break;
          }
        }
        continue;
      }
      let token = text.slice(start, pos);
      if (tokens.length === 0) firstLine = newlines + 1;
      if (pos < text.length && isSeparator(text[pos])) tail = text[pos++];
      if (tail === '\n') newlines++;
      const nul = token.indexOf('\0');
      if (nul >= 0) token = token.slice(0, nul); // the token is a C string from here on
      if (token !== 'ipvsadm') tokens.push(token);
      if (tail === '\n') return tokens;
    }
  };

  for (;;) {
    const line = readLine();
    if (line === null) break;
    if (line.length > 0) lines.push({ line: firstLine, tokens: line });
  }
  return lines;
}
