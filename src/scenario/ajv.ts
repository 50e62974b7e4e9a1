/**
 * The ajv set-up of the scenario schema. The app does not compile the schema at run time (that
 * needs `new Function`, which the page's Content-Security-Policy forbids): `scripts/gen-validator.ts`
 * compiles it once into `validator.generated.js` (ajv standalone code), which is committed; a test
 * checks that file matches the schema.
 */
import Ajv from 'ajv';

/** An ajv instance with the options and custom keywords the scenario schema needs. */
export function scenarioAjv(source = false): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    discriminator: true,
    strict: true,
    strictNumbers: true,
    allowUnionTypes: true,
    ...(source ? { code: { source: true, esm: true, lines: false } } : {}),
  });
  ajv.addKeyword('x-expected');
  ajv.addKeyword('x-noun');
  return ajv;
}
