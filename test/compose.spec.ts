import { spawnSync } from 'node:child_process';

/** `docker compose` (v2) when this machine has it; v1 `docker-compose` cannot read the Compose Specification's top-level `name`. */
const composeAvailable = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;

if (composeAvailable) {
  describe('docker-compose.yml', () => {
    const config = (env: Record<string, string>) =>
      spawnSync('docker', ['compose', 'config', '--format', 'json'], { encoding: 'utf8', env: { ...process.env, ...env } });

    it('validates, with the api, two projectors, the stores and their health checks', () => {
      const result = config({ JWT_SECRET: 'x'.repeat(40) });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const { services } = JSON.parse(result.stdout) as { services: Record<string, { environment: Record<string, string>; healthcheck?: unknown; deploy?: { replicas: number } }> };
      expect(Object.keys(services).sort()).toEqual(['api', 'eventstore', 'mongo', 'projector']);
      expect(services.api?.environment).toMatchObject({ EVENT_STORE: 'eventstoredb', READ_MODEL_STORE: 'mongodb', PROJECTOR: 'separate' });
      expect(services.projector?.deploy?.replicas).toBe(2);
      expect(services.eventstore?.healthcheck).toBeDefined();
      expect(services.mongo?.healthcheck).toBeDefined();
    });

    it('refuses to start without a JWT secret', () => {
      const result = config({ JWT_SECRET: '' });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('set JWT_SECRET');
    });
  });
} else {
  process.stderr.write('SKIPPED: docker-compose.yml validation — this machine has no `docker compose` (v2); install the Compose plugin to run it.\n');
  describe('docker-compose.yml', () => {
    it.skip('SKIPPED: `docker compose` is not installed, so `docker compose config` did not run', () => undefined);
  });
}
