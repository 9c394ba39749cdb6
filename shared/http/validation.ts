/**
 * The one way zod issues become a 422: one `{field, message}` per problem, unknown keys named, and one wording of
 * the summary ("1 value needs attention", "3 values need attention"). Every parser of input uses it.
 */
import * as z from 'zod/mini';
import '#shared/zod-config.ts';
import { BadRequestError, ValidationError, type FieldError } from '#shared/errors.ts';

/** The 422 of a list of field errors, in the platform's one wording. */
export function validationFailed(errors: readonly FieldError[]): ValidationError {
  const n = errors.length;
  return new ValidationError(`${n} value${n === 1 ? ' needs' : 's need'} attention`, errors);
}

/**
 * Field errors of zod issues. `where` names the input when an issue has no path (e.g. "body", "query string");
 * `fieldOf` maps a path to the field name a page or client knows (default: the path joined with dots).
 */
export function fieldErrorsOf(issues: readonly z.core.$ZodIssue[], where: string, fieldOf: (path: readonly PropertyKey[]) => string = joinPath): FieldError[] {
  return issues.map((issue) =>
    issue.code === 'unrecognized_keys'
      ? { field: issue.path.length ? fieldOf(issue.path) : issue.keys.join(','), message: `Unknown ${where} parameter${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}` }
      : { field: issue.path.length ? fieldOf(issue.path) : where, message: issue.message },
  );
}

/** Parses input with a schema; the 422 of its issues otherwise. */
export function parseOrThrow<S extends z.core.$ZodType>(schema: S, input: unknown, where: string, fieldOf?: (path: readonly PropertyKey[]) => string): z.output<S> {
  const result = z.safeParse(schema, input);
  if (result.success) return result.data;
  throw validationFailed(fieldErrorsOf(result.error.issues, where, fieldOf));
}

/** The 400 of a single-value form field sent more than once (which value was meant cannot be known). */
export const repeatedFieldError = (name: string) =>
  new BadRequestError(`The form field "${name.slice(0, 100)}" was sent more than once; it takes one value. Nothing was saved. Reload the page and send it again.`);

const joinPath = (path: readonly PropertyKey[]) => path.map(String).join('.');
