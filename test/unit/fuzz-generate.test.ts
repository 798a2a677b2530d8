// The fuzz generators: deterministic per seed, and covering what the harness promises (bundles,
// --opt=value, abbreviations, bytes that are not UTF-8, -R inputs with odd spacing).

import { describe, expect, it } from 'vitest';
import { Rng, argvVector, restoreInput, rulesFile, rulesToRestore, startingState } from '../fuzz/generate';

const sample = (seed: number, n: number) => {
  const r = new Rng(seed);
  return Array.from({ length: n }, () => argvVector(r));
};

describe('fuzz generators', () => {
  it('give the same cases for the same seed and others for another', () => {
    expect(sample(7, 50)).toEqual(sample(7, 50));
    expect(sample(7, 50)).not.toEqual(sample(8, 50));
  });

  it('cover bundles, --opt=value, abbreviations, raw bytes and out-of-range numbers', () => {
    const tokens = sample(1, 3000).flat();
    expect(tokens.some((t) => /^-[A-Za-z]{2,}$/.test(t))).toBe(true);
    expect(tokens.some((t) => /^--[a-z-]+=/.test(t))).toBe(true);
    expect(tokens.some((t) => /^--[a-z]{1,3}$/.test(t))).toBe(true);
    expect(tokens.some((t) => /[\x80-\xff]/.test(t))).toBe(true);
    expect(tokens).toContain('65536');
    expect(tokens.every((t) => [...t].every((c) => c.charCodeAt(0) < 256))).toBe(true);
  });

  it('make -R inputs and rules files, whose comment lines are dropped before -R', () => {
    const r = new Rng(3);
    const inputs = Array.from({ length: 300 }, () => restoreInput(r));
    expect(inputs.some((t) => t.includes('\r'))).toBe(true);
    expect(inputs.some((t) => t && !t.endsWith('\n'))).toBe(true);
    const rules = rulesFile(r);
    expect(rules).toContain('# ipvsadm.rules\n');
    expect(rulesToRestore('# c\n-A -t 1.2.3.4:80\n#x\n-C\n')).toBe('-A -t 1.2.3.4:80\n-C\n');
  });

  it('start from states ipvsadm -R accepts (services before their servers)', () => {
    const r = new Rng(5);
    for (let i = 0; i < 20; i++) {
      const seen = new Set<string>();
      for (const line of startingState(r)) {
        const svc = line.slice(1, 3).join(' ');
        if (line[0] === '-A') seen.add(svc);
        else expect(seen.has(svc)).toBe(true);
      }
    }
  });
});
