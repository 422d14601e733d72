export function processName(entry: string | undefined): string;
