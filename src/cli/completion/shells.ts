// The shells `tsipvsadm completion` writes scripts for (the verb registry reads this light module).

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof COMPLETION_SHELLS)[number];

export const COMPLETION_SUMMARY = 'print a shell completion script (bash, zsh or fish)';
