// SARIF checked against the SARIF 2.1.0 JSON schema (data/sarif-schema-2.1.0.json: the
// "2.1.0-rtm.5" schema as SchemaStore publishes it, copied unchanged from the npm package
// @microsoft/jest-sarif 1.0.0-beta.0, lib/schemas/). The schema is JSON Schema draft-04, hence
// ajv-draft-04; one of its patterns is not valid as a Unicode regular expression, hence
// `unicodeRegExp: false`.
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import schema from './data/sarif-schema-2.1.0.json' with { type: 'json' };

let validator: ValidateFunction | undefined;

/** The schema's complaints about `log`, each `path: message`; empty when it is valid SARIF 2.1.0. */
export function sarifProblems(log: unknown): string[] {
  validator ??= compile();
  if (validator(log)) return [];
  return (validator.errors ?? []).map((error) => `${error.instancePath || '/'}: ${error.message ?? error.keyword}`);
}

function compile(): ValidateFunction {
  const ajv = new AjvDraft04.default({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
}
