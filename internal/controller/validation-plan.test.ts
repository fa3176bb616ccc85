import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import fc from 'fast-check';
import { ExtendHoldDto, HoldBodyDto } from './hold.dto';
import { JoinQueueDto, ProcessQueueDto, RefreshSessionDto } from './queue.dto';
import { SeatInputDto } from './seat.dto';
import { PurchaseDto, TicketStatusDto } from './ticket.dto';
import { QueueSettingsDto } from './event.dto';
import { AddSeatsDto } from './seat.dto';
import { EventBodyDto } from './event.dto';
import { ValidationPlan } from './validation-plan';

const FLAT = { HoldBodyDto, ExtendHoldDto, PurchaseDto, TicketStatusDto, JoinQueueDto, ProcessQueueDto, RefreshSessionDto, SeatInputDto, QueueSettingsDto };
const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };

const acceptedByClassValidator = (dto: new () => object, body: object) => validateSync(plainToInstance(dto, body) as object, OPTIONS).length === 0;

// Values near every constraint in use: ids of several versions and shapes, integers around the bounds,
// fractions, strings with NUL, statuses, containers, null.
const value = fc.oneof(
  fc.uuid(),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.constantFrom('urn:uuid:0190f0c6-0000-7000-8000-000000000001', '0190f0c6-0000-7000-8000-00000000000', 'not-a-uuid', '', 'A', 'a\u0000b', 'reserved', 'sold', 'x'.repeat(65)),
  fc.integer({ min: -2, max: 1_000 }),
  fc.constantFrom(0, 1, 9, 10, 11, 900, 901, 1.5, -0, Number.MAX_SAFE_INTEGER, 100_000_001),
  fc.constant(null),
  fc.boolean(),
  fc.string({ maxLength: 20 }),
);
const member = fc.oneof(
  { arbitrary: value, weight: 6 },
  { arbitrary: fc.array(fc.uuid(), { minLength: 1, maxLength: 11 }), weight: 2 },
  { arbitrary: fc.array(value, { maxLength: 12 }), weight: 1 },
  { arbitrary: fc.dictionary(fc.string({ maxLength: 5 }), value, { maxKeys: 2 }), weight: 1 },
);

/** Bodies over the DTO's own properties (each present or not), now and then with a stranger. */
function bodies(dto: new () => object): fc.Arbitrary<Record<string, unknown>> {
  const known = [...new Set(getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).map((m) => m.propertyName))];
  const own = fc.record(Object.fromEntries(known.map((key) => [key, member])), { requiredKeys: [] });
  const strangers = fc.oneof({ arbitrary: fc.constant({}), weight: 4 }, { arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), member, { maxKeys: 2 }), weight: 1 });
  return fc.tuple(own, strangers).map(([body, extra]) => ({ ...extra, ...body }));
}

describe('ValidationPlan', () => {
  it('has a plan for every flat DTO, and none for DTOs that nest', () => {
    for (const dto of Object.values(FLAT)) expect({ dto: dto.name, plan: ValidationPlan.of(dto) !== null }).toEqual({ dto: dto.name, plan: true });
    expect(ValidationPlan.of(AddSeatsDto)).toBeNull();
    expect(ValidationPlan.of(EventBodyDto)).toBeNull();
  });

  it.each(Object.entries(FLAT) as Array<[string, new () => object]>)('confirms a %s body only when class-validator accepts it, as the same instance', (_name, dto) => {
    const plan = ValidationPlan.of(dto)!;
    let confirmations = 0;
    fc.assert(
      fc.property(bodies(dto), (body) => {
        const confirmed = plan.accept<object>(body);
        if (confirmed === null) return;
        confirmations++;
        expect(acceptedByClassValidator(dto, body)).toBe(true);
        expect(confirmed).toBeInstanceOf(dto);
        expect({ ...confirmed }).toEqual({ ...(plainToInstance(dto as new () => object, body) as object) });
      }),
      { numRuns: 3_000, seed: 7 },
    );
    // Not vacuous: the generator reaches bodies the plan confirms.
    expect(confirmations).toBeGreaterThan(0);
  });

  it('confirms the hot path’s valid bodies without the full path', () => {
    const plan = ValidationPlan.of(HoldBodyDto)!;
    const body = { event_id: '0190f0c6-0000-7000-8000-000000000001', seat_ids: ['0190f0c6-0000-7000-8000-000000000002'], ttl_seconds: 60 };
    expect(acceptedByClassValidator(HoldBodyDto, body)).toBe(true);
    expect(plan.accept(body)).toMatchObject(body);
    expect(plan.accept({ ...body, quantity: null })).toMatchObject(body);
    expect(plan.accept({ ...body, seat_ids: [] })).toBeNull();
    expect(plan.accept({ ...body, extra: 1 })).toBeNull();
    expect(plan.accept({ ...body, ttl_seconds: 1.5 })).toBeNull();
  });
});
