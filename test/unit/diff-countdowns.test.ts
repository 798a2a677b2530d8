import { describe, expect, it } from 'vitest';
import { alignCountdowns } from '../kernel/diff';

const header = 'IPVS connection entries\npro expire state       source             virtual            destination\n';
const line = (expire: string, dest = '10.255.3.1:http-alt') => `TCP ${expire}  NONE        10.240.0.0:0       10.0.4.1:domain    ${dest}\n`;

describe('the parity harness aligns connection countdowns that ticked between the two runs', () => {
  it('takes ipvsadm’s countdown when ours is a second lower', () => {
    expect(alignCountdowns(header + line('44631:48'), header + line('44631:47'), 300)).toBe(header + line('44631:48'));
  });
  it('keeps a countdown that is higher than ipvsadm’s (time does not run backwards)', () => {
    expect(alignCountdowns(header + line('01:00'), header + line('01:01'), 300)).toBe(header + line('01:01'));
  });
  it('keeps a countdown lower by more than the time that passed', () => {
    expect(alignCountdowns(header + line('01:00'), header + line('00:50'), 1500)).toBe(header + line('00:50'));
  });
  it('keeps a line that differs elsewhere too', () => {
    expect(alignCountdowns(header + line('01:00'), header + line('00:59', '10.255.3.2:http-alt'), 300)).toBe(header + line('00:59', '10.255.3.2:http-alt'));
  });
  it('keeps output with another number of lines', () => {
    const ours = header + line('00:59') + line('00:58');
    expect(alignCountdowns(header + line('01:00'), ours, 300)).toBe(ours);
  });
});
