import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig } from './config';

describe('loadConfig', () => {
  it('runs with no configuration at all: embedded storage, port 8080, development secret', () => {
    expect(loadConfig({})).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: null,
      redisUrl: null,
      redisCluster: false,
      dataDir: './data',
      jwtSecret: DEVELOPMENT_JWT_SECRET,
      jwtSecretIsDefault: true,
      logLevel: 'info',
      nodeEnv: 'development',
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://u@db:5432/x',
      REDIS_URL: 'redis://cache:6379',
      REDIS_CLUSTER: 'on',
      DATA_DIR: '/var/onsale',
      JWT_SECRET: 's3cret',
      LOG_LEVEL: 'debug',
      NODE_ENV: 'test',
    });
    expect(config).toMatchObject({ port: 9000, host: '127.0.0.1', databaseUrl: 'postgres://u@db:5432/x', redisUrl: 'redis://cache:6379', redisCluster: true, dataDir: '/var/onsale', jwtSecret: 's3cret', jwtSecretIsDefault: false, logLevel: 'debug', nodeEnv: 'test' });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ REDIS_CLUSTER: 'yes' }, 'REDIS_CLUSTER'],
    [{ REDIS_CLUSTER: 'on' }, 'REDIS_CLUSTER'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
  ])('rejects %p naming %s in one line', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^invalid configuration: ${variable} `));
  });

  it('allows several WORKERS only with shared storage', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(() => loadConfig({ WORKERS: '2' })).toThrow(/^invalid configuration: WORKERS above 1 needs DATABASE_URL and REDIS_URL/);
    expect(loadConfig({ WORKERS: '2', DATABASE_URL: 'postgres://x/y', REDIS_URL: 'redis://z' }).workers).toBe(2);
  });

  it('refuses production without a long JWT_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).jwtSecretIsDefault).toBe(false);
  });
});

describe('loadConfig: edge settings', () => {
  it('parses CORS_ORIGINS and rejects a malformed origin', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:3000' }).corsOrigins).toEqual(['https://a.example', 'http://localhost:3000']);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example/path' })).toThrow(/^invalid configuration: CORS_ORIGINS /);
  });

  it('parses TRUST_PROXY as boolean, hop count or address list', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(() => loadConfig({ TRUST_PROXY: 'x;y' })).toThrow(/^invalid configuration: TRUST_PROXY /);
  });
});
