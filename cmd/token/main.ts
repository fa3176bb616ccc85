import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, loadDotEnv } from '../../internal/config/config';
import { ROLES, type Role } from '../../lib/domain/principal';
import { signToken } from '../../pkg/jwt/sign-token';

const USAGE = 'usage: npm run token -- --sub <user-id> [--role user|admin] [--ttl <seconds>]';

/** `npm run token -- --sub alice --role admin`: prints a token signed with the configured JWT_SECRET. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { sub: { type: 'string' }, role: { type: 'string', default: 'user' }, ttl: { type: 'string', default: '3600' } },
  });
  const ttl = Number(values.ttl);
  if (!values.sub || !ROLES.includes(values.role as Role) || !Number.isInteger(ttl) || ttl < 1) {
    console.error(USAGE);
    process.exit(2);
  }
  loadDotEnv();
  const config = loadConfig();
  console.log(await signToken(config.jwtSecret, { userId: values.sub, role: values.role as Role }, ttl));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : String(error));
  process.exit(1);
});
