/** The precompiled scenario validator (no code compiled at run time, for the page's CSP). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatorSource } from '../scripts/gen-validator';
import { parseScenario } from '../src/scenario/parse';

describe('precompiled validator', () => {
  it('src/scenario/validator.generated.js is up to date with the schema (run scripts/gen-validator.ts)', () => {
    const committed = readFileSync(join(__dirname, '..', 'src', 'scenario', 'validator.generated.js'), 'utf8');
    expect(committed).toBe(validatorSource());
  });

  it('contains no run-time code generation', () => {
    const committed = readFileSync(join(__dirname, '..', 'src', 'scenario', 'validator.generated.js'), 'utf8');
    expect(committed).not.toMatch(/new Function|\beval\(|require\(/);
  });

  it('uses ajv runtime helpers correctly (uniqueItems: a repeated unsafe switch is refused)', () => {
    expect(() => parseScenario('title: T\ncluster: { unsafe: [skipUpToDateCheck, skipUpToDateCheck] }\nsteps: []\n', 'u.yaml')).toThrow(/u\.yaml:2:/);
  });
});
