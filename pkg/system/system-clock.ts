import type { Clock } from '../../lib/adapter/clock';

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}
