import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError as ClassValidationError } from 'class-validator';
import { ValidationError, type FieldError } from '../../lib/domain/errors';
import { ValidationPlan } from './validation-plan';

function collect(errors: ClassValidationError[], parent: string, out: FieldError[]): void {
  for (const error of errors) {
    const field = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      out.push({ field, message: message.replace(/^property \S+ /, 'unknown field: ').replace(/should not exist$/, 'is not allowed') });
    }
    if (error.children?.length) collect(error.children, field, out);
  }
}

const MAX_REPORTED_ERRORS = 50;
const plans = new WeakMap<object, ValidationPlan | null>();

function planOf(dto: new () => object): ValidationPlan | null {
  let plan = plans.get(dto);
  if (plan === undefined) plans.set(dto, (plan = ValidationPlan.of(dto)));
  return plan;
}

/**
 * Turns an untrusted JSON body into a validated DTO. Unknown fields, wrong types and non-object bodies are
 * rejected with every bad field named (up to 50, so a 50,000-seat body with a bad field stays readable).
 */
export function parseBody<T extends object>(dto: new () => T, body: unknown): T {
  if (body === null || body === undefined || typeof body !== 'object' || Array.isArray(body)) {
    throw ValidationError.field('body', 'must be a JSON object (Content-Type: application/json)');
  }
  const confirmed = planOf(dto)?.accept<T>(body as Record<string, unknown>);
  if (confirmed) return confirmed;
  const instance = plainToInstance(dto, body);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    const fields: FieldError[] = [];
    collect(errors, '', fields);
    throw new ValidationError(fields.slice(0, MAX_REPORTED_ERRORS));
  }
  return instance;
}
