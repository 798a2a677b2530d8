// Drives a bash completion function as bash does: COMP_LINE/COMP_POINT and COMP_WORDS/COMP_CWORD
// split as bash splits them (white space, and runs of COMP_WORDBREAKS characters as words of
// their own), the function called with the command name, the word and the word before it; the
// COMPREPLY of each line comes back. Shared by the host test and the guest test.

import { spawn } from 'node:child_process';
import { sq } from '../../src/cli/completion/bash';

const WORDBREAKS = `"'><=;|&(:`;

/** COMP_WORDS as bash splits a line (the cursor at its end), and COMP_CWORD. */
export function bashWords(line: string): { words: string[]; cword: number } {
  const words: string[] = [];
  for (const token of line.split(/\s+/).filter(Boolean)) {
    let rest = token;
    while (rest) {
      const m = new RegExp(`^([${WORDBREAKS}]+|[^${WORDBREAKS}]+)`).exec(rest)!;
      words.push(m[1]);
      rest = rest.slice(m[1].length);
    }
  }
  if (line === '' || /\s$/.test(line)) words.push('');
  return { words, cword: words.length - 1 };
}

export interface BashRun {
  /** COMPREPLY per line. */
  replies: string[][];
  stderr: string;
  status: number;
}

/** A program's output, without blocking the event loop (vitest's worker must keep answering). */
export function runAsync(argv: string[], env?: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string; status: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), status: code ?? 128 }));
  });
}

/**
 * Source `script`, then complete each line with `_tsipvsadm PROGRAM ...` in one bash process;
 * `prefix` runs bash under another program (e.g. `ip netns exec NS`).
 */
export async function bashComplete(script: string, program: string, lines: string[], prefix: string[] = [], env?: NodeJS.ProcessEnv): Promise<BashRun> {
  const body = lines
    .map((line) => {
      const { words, cword } = bashWords(line);
      return [
        `COMP_LINE=${sq(line)} COMP_POINT=${line.length}`,
        `COMP_WORDS=(${words.map(sq).join(' ')}) COMP_CWORD=${cword}`,
        `_tsipvsadm ${sq(program)} ${sq(words[cword])} ${sq(words[cword - 1] ?? '')}`,
        `printf '%s\\n' "\${COMPREPLY[@]}"; echo '@@'`,
      ].join('\n');
    })
    .join('\n');
  const argv = [...prefix, 'bash', '--norc', '--noprofile', '-c', `source ${sq(script)}\n${body}`];
  const r = await runAsync(argv, env);
  return {
    replies: r.stdout
      .split('@@\n')
      .slice(0, lines.length)
      .map((block) => block.split('\n').filter(Boolean)),
    stderr: r.stderr,
    status: r.status,
  };
}
