import { ValidateBy, type ValidationOptions } from 'class-validator';

// A timestamp must name its zone: a bare local time would mean different instants on different servers.
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimestamp',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && ISO_WITH_ZONE.test(value) && !Number.isNaN(Date.parse(value)),
        defaultMessage: () => 'must be an ISO-8601 timestamp with a time zone, e.g. 2026-12-01T19:00:00Z',
      },
    },
    options,
  );
}

/** A seat row or number: a short non-blank string, or a whole number (stored as text). */
export function IsSeatLabel(maxLength: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSeatLabel',
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'string' && value.trim().length > 0 && value.length <= maxLength) ||
          (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0),
        defaultMessage: () => `must be a non-blank string of at most ${maxLength} characters or a whole number`,
      },
    },
    options,
  );
}
