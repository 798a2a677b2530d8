// The -R input tokenizer (config_stream_read). The end-of-input cases were checked against
// Debian's ipvsadm by feeding it `-A -t 1.2.3.4:N` lines and watching which ones it sent.

import { describe, expect, it } from 'vitest';
import { tokenizeRestoreInput, tokenizeRestoreLines, type RestoreLine } from '../../src/cli/restore';

describe('tokenizeRestoreInput', () => {
  it('splits lines into tokens at spaces, tabs and carriage returns', () => {
    expect(tokenizeRestoreInput('-A -t 1.2.3.4:80 -s rr\n-a -t 1.2.3.4:80 -r 10.0.0.1 -m\n')).toEqual([
      ['-A', '-t', '1.2.3.4:80', '-s', 'rr'],
      ['-a', '-t', '1.2.3.4:80', '-r', '10.0.0.1', '-m'],
    ]);
    expect(tokenizeRestoreInput('  -A   -t\t\t1.2.3.4:8   \n')).toEqual([['-A', '-t', '1.2.3.4:8']]);
    expect(tokenizeRestoreInput('-C\r\n-Z\r\n')).toEqual([['-C'], ['-Z']]);
  });

  it('skips blank and white-space-only lines', () => {
    expect(tokenizeRestoreInput('\n\n  \t\n-A -t 1.2.3.4:4\r\n\r\n \n')).toEqual([['-A', '-t', '1.2.3.4:4']]);
    expect(tokenizeRestoreInput('')).toEqual([]);
    expect(tokenizeRestoreInput('\n')).toEqual([]);
    expect(tokenizeRestoreInput('   ')).toEqual([]);
  });

  it('drops the token `ipvsadm` wherever it stands (and lines left empty by that)', () => {
    expect(tokenizeRestoreInput('ipvsadm -A ipvsadm -t 1.2.3.4:3 ipvsadm\n')).toEqual([['-A', '-t', '1.2.3.4:3']]);
    expect(tokenizeRestoreInput('ipvsadm\n-C\n')).toEqual([['-C']]);
    expect(tokenizeRestoreInput('/sbin/ipvsadm -C\nIPVSADM -C\n')).toEqual([['/sbin/ipvsadm', '-C'], ['IPVSADM', '-C']]);
  });

  it('has no comments and no quoting', () => {
    expect(tokenizeRestoreInput('# comment\n')).toEqual([['#', 'comment']]);
    expect(tokenizeRestoreInput('-A -t 1.2.3.4:5 # c\n')).toEqual([['-A', '-t', '1.2.3.4:5', '#', 'c']]);
    expect(tokenizeRestoreInput('-s "r r"\n')).toEqual([['-s', '"r', 'r"']]);
    expect(tokenizeRestoreInput("-s 'rr'\n")).toEqual([['-s', "'rr'"]]);
  });

  it('vertical tab and form feed are not separators', () => {
    expect(tokenizeRestoreInput('-A\v-t 1.2.3.4:9\n')).toEqual([['-A\v-t', '1.2.3.4:9']]);
    expect(tokenizeRestoreInput('-C\f\n')).toEqual([['-C\f']]);
  });

  it('keeps a last line without a newline', () => {
    expect(tokenizeRestoreInput('-A -t 1.2.3.4:1\n-A -t 1.2.3.4:2')).toEqual([
      ['-A', '-t', '1.2.3.4:1'],
      ['-A', '-t', '1.2.3.4:2'],
    ]);
  });

  it('keeps a last line followed by one white-space character and no newline', () => {
    for (const end of [' ', '\t', '\r']) {
      expect(tokenizeRestoreInput(`-C\n-A -t 1.2.3.4:2${end}`)).toEqual([['-C'], ['-A', '-t', '1.2.3.4:2']]);
    }
  });

  it('drops a last line followed by two or more white-space characters and no newline', () => {
    expect(tokenizeRestoreInput('-A -t 1.2.3.4:1\n-A -t 1.2.3.4:2  ')).toEqual([['-A', '-t', '1.2.3.4:1']]);
    expect(tokenizeRestoreInput('-A -t 1.2.3.4:1\n-A -t 1.2.3.4:2 \r')).toEqual([['-A', '-t', '1.2.3.4:1']]);
    expect(tokenizeRestoreInput('-A -t 1.2.3.4:1\n-C   ')).toEqual([['-A', '-t', '1.2.3.4:1']]);
    expect(tokenizeRestoreInput('-C\t\t')).toEqual([]);
    // With the newline the same line is kept.
    expect(tokenizeRestoreInput('-C   \n')).toEqual([['-C']]);
  });

  it('a white-space-only tail after the last newline ends the input quietly', () => {
    expect(tokenizeRestoreInput('ipvsadm\n-A -t 1.2.3.4:7\n   ')).toEqual([['-A', '-t', '1.2.3.4:7']]);
    expect(tokenizeRestoreInput('-A -t 1.2.3.4:10\n\t\n')).toEqual([['-A', '-t', '1.2.3.4:10']]);
  });

  it('cuts tokens longer than 4096 characters', () => {
    const long = 'x'.repeat(4096 + 10);
    expect(tokenizeRestoreInput(`-s ${long}\n`)).toEqual([['-s', 'x'.repeat(4096), 'x'.repeat(10)]]);
    expect(tokenizeRestoreInput(`-s ${'y'.repeat(4096)} z\n`)).toEqual([['-s', 'y'.repeat(4096), 'z']]);
  });

  it('a token ends at a NUL byte (C strings)', () => {
    expect(tokenizeRestoreInput('-C\0junk -n\n')).toEqual([['-C', '-n']]);
    expect(tokenizeRestoreInput('ipvsadm\0x -C\n')).toEqual([['-C']]);
  });
});

// The tokenizer as it was first written: config_stream_read transcribed character by character
// (one fscanf("%4096[^ \t\n\r]%1[ \t\n\r]") step at a time). The line-splitting tokenizer
// must give exactly what this gives.
const isSeparator = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const MAX_TOKEN = 4096;

function configStreamRead(text: string): RestoreLine[] {
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

describe('tokenizeRestoreLines against the character-by-character transcription', () => {
  it('agrees on 30,000 generated inputs (white space runs, NULs, ipvsadm, long tokens, no final newline)', () => {
    const pieces = ['-A', '-t', '1.2.3.4:80', 'ipvsadm', 'ipvsadmx', 'x', ' ', ' ', '\t', '\r', '\n', '\n', '\0', 'a\0b', '\v', '\f', '#'];
    const long = ['z'.repeat(4095), 'z'.repeat(4096), 'z'.repeat(4097), 'z'.repeat(8192), `${'q'.repeat(4095)}\0r`];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let k = 0; k < 30000; k++) {
      let text = '';
      for (let n = random(14); n > 0; n--) text += random(40) === 0 ? long[random(long.length)] : pieces[random(pieces.length)];
      expect(tokenizeRestoreLines(text), JSON.stringify(text)).toEqual(configStreamRead(text));
    }
  }, 120_000);

  it('agrees on the bench\'s 16000-service file and on it without its final newline', () => {
    let text = '';
    for (let s = 0; s < 16000; s++) text += `-A -t 10.1.${s >> 8}.${s & 255}:80 -s wlc\n-a -t 10.1.${s >> 8}.${s & 255}:80 -r 10.200.0.1:80 -m -w 1\n`;
    expect(tokenizeRestoreLines(text)).toEqual(configStreamRead(text));
    expect(tokenizeRestoreLines(text.slice(0, -1) + '  ')).toEqual(configStreamRead(text.slice(0, -1) + '  '));
  }, 120_000);
});
