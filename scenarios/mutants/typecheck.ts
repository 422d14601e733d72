// Typechecks mutated files without writing them anywhere: one TypeScript language service over the
// project, with the mutated text overlaid in memory. Only the mutated files' diagnostics are asked
// for, so each mutant costs a fraction of a full `tsc` (the program's other files are parsed once).
// Errors already present in the unmutated file are not blamed on the mutant.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import type { MutatedFile } from './apply.ts';

export interface TypeChecker {
  /** Diagnostics the mutation introduced, as `file:line: message` lines; [] means it typechecks. */
  check(files: readonly MutatedFile[]): string[];
}

export function createTypeChecker(root: string): TypeChecker {
  const configPath = join(root, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (read.error) throw new Error(`tsconfig.json: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root);
  const overlay = new Map<string, string>();
  const versions = new Map<string, number>();
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => parsed.options,
    getScriptFileNames: () => parsed.fileNames,
    getScriptVersion: (f) => String(versions.get(resolve(f)) ?? 0),
    getScriptSnapshot: (f) => {
      const text = overlay.get(resolve(f)) ?? ts.sys.readFile(f);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => root,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => overlay.has(resolve(f)) || ts.sys.fileExists(f),
    readFile: (f) => overlay.get(resolve(f)) ?? ts.sys.readFile(f),
    readDirectory: (...a) => ts.sys.readDirectory(...a),
    directoryExists: (d) => ts.sys.directoryExists(d),
    getDirectories: (d) => ts.sys.getDirectories(d),
  };
  const service = ts.createLanguageService(host, ts.createDocumentRegistry());

  const diagnosticsOf = (abs: string): string[] =>
    [...service.getSyntacticDiagnostics(abs), ...service.getSemanticDiagnostics(abs)].map((d) => {
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      return `${line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
  const setText = (abs: string, text: string | undefined) => {
    if (text === undefined) overlay.delete(abs);
    else overlay.set(abs, text);
    versions.set(abs, (versions.get(abs) ?? 0) + 1);
  };

  return {
    check(files) {
      const out: string[] = [];
      const inProject = new Set(parsed.fileNames.map((n) => resolve(n)));
      const mutated = files.filter((f) => {
        if (inProject.has(resolve(root, f.file))) return true;
        out.push(`${f.file}: not part of the project (tsconfig.json include)`);
        return false;
      });
      // All of a mutant's files are overlaid together: an edit in one file may need an edit in another.
      const overlayAll = (text: (f: MutatedFile) => string | undefined) => {
        for (const f of mutated) setText(resolve(root, f.file), text(f));
      };
      try {
        overlayAll((f) => (f.original === readFileSync(resolve(root, f.file), 'utf8') ? undefined : f.original));
        const baseline = new Map(
          mutated.map((f) => [f.file, new Set(diagnosticsOf(resolve(root, f.file)).map((d) => d.replace(/^\d+: /, '')))]),
        );
        overlayAll((f) => f.mutated);
        for (const f of mutated) {
          for (const d of diagnosticsOf(resolve(root, f.file)))
            if (!baseline.get(f.file)!.has(d.replace(/^\d+: /, ''))) out.push(`${f.file}:${d}`);
        }
      } finally {
        overlayAll(() => undefined);
      }
      return out;
    },
  };
}
