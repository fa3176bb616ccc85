import { ValidateBy, type ValidationOptions } from 'class-validator';

// Postgres text cannot hold U+0000: the insert would fail as a 500, so such a string is refused up front.
const NUL = '\u0000';

// A timestamp must name its zone: a bare local time would mean different instants on different servers.
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** The written date and time exist on the calendar (Date.parse would roll 2026-02-30 over to 2 March). */
function onCalendar(value: string): boolean {
  const [year, month, day, hour, minute] = value.slice(0, 16).split(/[-T:]/).map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60;
}

export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimestamp',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && ISO_WITH_ZONE.test(value) && onCalendar(value) && !Number.isNaN(Date.parse(value)),
        defaultMessage: () => 'must be an ISO-8601 timestamp with a time zone, e.g. 2026-12-01T19:00:00Z',
      },
    },
    options,
  );
}

/** A seat row or number: a short non-blank string without U+0000, or a whole number (stored as text). */
export function IsSeatLabel(maxLength: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSeatLabel',
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'string' && value.trim().length > 0 && value.length <= maxLength && !value.includes(NUL)) ||
          (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0),
        defaultMessage: () => `must be a non-blank string of at most ${maxLength} characters or a whole number`,
      },
    },
    options,
  );
}

/** A string free of U+0000 (non-strings are left to the type validators). */
export function HasNoNul(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'hasNoNul',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !value.includes(NUL),
        defaultMessage: () => 'must not contain the NUL character (U+0000)',
      },
    },
    options,
  );
}
