// The -R input tokenizer (config_stream_read). The end-of-input cases were checked against
// Debian's ipvsadm by feeding it `-A -t 1.2.3.4:N` lines and watching which ones it sent.

import { describe, expect, it } from 'vitest';
import { tokenizeRestoreInput } from '../../src/cli/restore';

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
