import { describe, expect, it } from 'vitest';
import { type ApplyError, applyEdits, countOccurrences, locations } from './apply.ts';

const files: Record<string, string> = {
  'system/a.ts': 'line one\nif (x) return 1;\nline three\n',
  'system/b.ts': 'dup\ndup\n',
};
const read = (f: string) => {
  const t = files[f];
  if (t === undefined) throw new Error('ENOENT');
  return t;
};

describe('applyEdits', () => {
  it('replaces the one occurrence and records the line it was on', () => {
    const [f] = applyEdits({ id: 'm', edits: [{ file: 'system/a.ts', find: 'if (x) return 1;', replace: 'return 1;' }] }, read);
    expect(f!.mutated).toBe('line one\nreturn 1;\nline three\n');
    expect(f!.original).toBe(files['system/a.ts']);
    expect(locations([f!])).toEqual(['system/a.ts:2']);
  });

  it('applies several edits to one file in order, each against the result of the previous one', () => {
    const [f, ...rest] = applyEdits(
      {
        id: 'm',
        edits: [
          { file: 'system/a.ts', find: 'line one', replace: 'first' },
          { file: 'system/a.ts', find: 'first\n', replace: '' },
        ],
      },
      read,
    );
    expect(rest).toEqual([]);
    expect(f!.mutated).toBe('if (x) return 1;\nline three\n');
  });

  it('fails loudly when the text is gone, ambiguous, or the file unreadable', () => {
    const attempt = (file: string, find: string) => {
      try {
        applyEdits({ id: 'm', edits: [{ file, find, replace: 'z' }] }, read);
      } catch (err) {
        return err as ApplyError;
      }
      throw new Error('expected an ApplyError');
    };
    const gone = attempt('system/a.ts', 'return 2;');
    expect(gone.problem).toBe('not-found');
    expect(gone.message).toMatch(/no longer contains "return 2;"; re-target/);
    const moved = attempt('system/a.ts', 'if (x) return 1;\nline 3');
    expect(moved.message).toMatch(/its first line "if \(x\) return 1;" is still at line 2\)/);
    const ambiguous = attempt('system/b.ts', 'dup');
    expect(ambiguous.problem).toBe('ambiguous');
    expect(ambiguous.message).toMatch(/occurs 2 times in system\/b\.ts/);
    expect(attempt('system/none.ts', 'x').problem).toBe('unreadable');
  });
});

describe('countOccurrences', () => {
  it('counts non-overlapping occurrences and treats an empty needle as none', () => {
    expect(countOccurrences('aaaa', 'aa')).toBe(2);
    expect(countOccurrences('abc', 'd')).toBe(0);
    expect(countOccurrences('abc', '')).toBe(0);
  });
});
