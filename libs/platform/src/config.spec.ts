import * as E from 'fp-ts/Either';
import { parseConfig } from './config';

describe('parseConfig', () => {
  it('gives the embedded defaults for an empty environment', () => {
    expect(parseConfig({})).toEqual(
      E.right({
        port: 3000,
        dataDir: './data',
        eventStore: { kind: 'sqlite' },
        readModelStore: { kind: 'sqlite' },
        jwtSecret: undefined,
        logLevel: 'info',
        projector: 'in-process',
        intakeRateLimit: 50,
      }),
    );
  });

  it('reads the production settings', () => {
    const config = parseConfig({
      PORT: '8080',
      DATA_DIR: '/var/lib/redress',
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: 'esdb://eventstore:2113?tls=false',
      READ_MODEL_STORE: 'mongodb',
      MONGODB_URI: 'mongodb://mongo:27017/redress?replicaSet=rs0',
      JWT_SECRET: 'a'.repeat(32),
      LOG_LEVEL: 'warn',
      PROJECTOR: 'separate',
    });
    expect(config).toEqual(
      E.right({
        port: 8080,
        dataDir: '/var/lib/redress',
        eventStore: { kind: 'eventstoredb', connectionString: 'esdb://eventstore:2113?tls=false' },
        readModelStore: { kind: 'mongodb', uri: 'mongodb://mongo:27017/redress?replicaSet=rs0' },
        jwtSecret: 'a'.repeat(32),
        logLevel: 'warn',
        projector: 'separate',
        intakeRateLimit: 50,
      }),
    );
  });

  it('reports every bad value at once, by name', () => {
    expect(
      parseConfig({
        PORT: '70000',
        EVENT_STORE: 'postgres',
        READ_MODEL_STORE: 'mongodb',
        JWT_SECRET: 'short',
        LOG_LEVEL: 'loud',
        PROJECTOR: 'elsewhere',
      }),
    ).toEqual(
      E.left([
        'PORT="70000" must be a whole number from 0 to 65535 (0 picks a free port)',
        'EVENT_STORE="postgres" is not one of sqlite, eventstoredb',
        'MONGODB_URI is required (mongodb://… or mongodb+srv://…)',
        'JWT_SECRET must be at least 32 characters (it is 5)',
        'LOG_LEVEL="loud" is not one of fatal, error, warn, info, debug, trace, silent',
        'PROJECTOR="elsewhere" is not one of in-process, separate',
      ]),
    );
  });

  it('requires JWT_SECRET in production mode', () => {
    expect(parseConfig({ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113' })).toEqual(
      E.left(['JWT_SECRET is required when EVENT_STORE=eventstoredb']),
    );
  });

  it('rejects a connection string of the wrong kind', () => {
    expect(parseConfig({ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'http://localhost:2113', JWT_SECRET: 'x'.repeat(32) })).toEqual(
      E.left(['EVENTSTORE_CONNECTION_STRING must start with esdb:// or esdb+discover://']),
    );
    // KurrentDB's own scheme: the client this api uses parses only esdb://, so it is refused here, not at the first connection.
    expect(parseConfig({ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'kurrentdb://localhost:2113', JWT_SECRET: 'x'.repeat(32) })).toEqual(
      E.left(['EVENTSTORE_CONNECTION_STRING must start with esdb:// or esdb+discover://']),
    );
  });

  it('reads the hosts webhooks may go to, or refuses what is not a host name', () => {
    expect(parseConfig({ WEBHOOK_ALLOWED_HOSTS: ' hooks.example.com, *.Partner.example ' })).toEqual(E.right(expect.objectContaining({ webhookAllowedHosts: ['hooks.example.com', '*.partner.example'] })));
    expect(parseConfig({})).toEqual(E.right(expect.objectContaining({ webhookAllowedHosts: undefined })));
    expect(parseConfig({ WEBHOOK_ALLOWED_HOSTS: 'https://hooks.example.com,*,a.*.b' })).toEqual(
      E.left(['WEBHOOK_ALLOWED_HOSTS takes host names, or *.domain for its subdomains, separated by commas: not "https://hooks.example.com", "*", "a.*.b"']),
    );
  });
});
