import { sql, type Kysely } from 'kysely';
import type { HealthProbe } from '../../lib/adapter/health-probe';

export class DatabaseHealthProbe implements HealthProbe {
  readonly name = 'database';
  constructor(private readonly db: Kysely<any>) {}

  async check(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }
}
