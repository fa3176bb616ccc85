import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Top-level folder each relative import of `file` lands in. */
function importedLayers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import|require\()\s*['"](\.[^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.map((spec) => relative(ROOT, resolve(file, '..', spec)).split(/[\\/]/).slice(0, 2).join('/'));
}

// Dependencies point inward: lib <- internal/service <- internal/controller <- cmd; only cmd picks pkg.
const FORBIDDEN: Record<string, RegExp> = {
  lib: /^(internal|pkg|cmd|test)\b/,
  'internal/service': /^(internal\/controller|pkg|cmd|test)\b/,
  'internal/controller': /^(pkg|cmd|test)\b/,
  'internal/config': /^(internal\/(service|controller)|pkg|cmd|test)\b/,
  pkg: /^(internal\/(service|controller)|cmd|test)\b/,
};

describe('dependency direction', () => {
  for (const [layer, forbidden] of Object.entries(FORBIDDEN)) {
    it(`${layer} imports nothing outward`, () => {
      const offending = sourceFiles(join(ROOT, layer))
        .filter((file) => !file.endsWith('.test.ts'))
        .flatMap((file) => importedLayers(file).filter((target) => forbidden.test(target)).map((target) => `${relative(ROOT, file)} -> ${target}`));
      expect(offending).toEqual([]);
    });
  }

  it('detects an outward import (the check itself works)', () => {
    const fake = join(ROOT, 'lib', 'domain', 'fake.ts');
    expect(FORBIDDEN.lib!.test(relative(ROOT, resolve(fake, '..', '../../pkg/redis/client')))).toBe(true);
  });
});
