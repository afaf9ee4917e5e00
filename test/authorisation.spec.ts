import { ROLES } from '@redress/contracts';
import { COMPLAINT_ACTIONS, READERS, RECEIVERS } from '../apps/api/src/complaints/complaint-actions';
import { DISPATCHERS, RECTIFICATION_ACTIONS } from '../apps/api/src/rectifications/rectification-actions';
import { FEED_READERS } from '../apps/api/src/events/events.controller';
import { ANALYSTS } from '../apps/api/src/read-models/analysts';
import { ERASERS } from '../apps/api/src/complainants/complainants.controller';
import { startApi, type RunningApi } from './support/api';

const NOBODY = '0190a5f0-0000-7000-8000-0000000000aa';

/**
 * Walks every complaint route with every role and compares the answer with
 * the documented matrix: 403 ROLE_FORBIDDEN exactly where the role is not
 * listed. Allowed calls go on to fail later (unknown case, empty body), which
 * proves the role check let them through.
 */
describe('authorisation matrix', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.stop());

  const routes: Array<{ name: string; allowed: readonly string[]; call: (role: (typeof ROLES)[number]) => Promise<number> }> = [
    { name: 'POST /complaints', allowed: RECEIVERS, call: async (role) => (await api.as(role).post('/complaints', {})).status },
    ...Object.entries(COMPLAINT_ACTIONS).map(([path, action]) => ({
      name: `POST /complaints/:id/${path}`,
      allowed: action.roles,
      call: async (role: (typeof ROLES)[number]) => (await api.as(role).post(`/complaints/${NOBODY}/${path}`, {})).status,
    })),
    { name: 'POST /rectifications', allowed: DISPATCHERS, call: async (role) => (await api.as(role).post('/rectifications', {})).status },
    ...Object.entries(RECTIFICATION_ACTIONS).map(([path, action]) => ({
      name: `POST /rectifications/:id/${path}`,
      allowed: action.roles,
      call: async (role: (typeof ROLES)[number]) => (await api.as(role).post(`/rectifications/${NOBODY}/${path}`, {})).status,
    })),
    ...['', '/history'].map((suffix) => ({
      name: `GET /rectifications/:id${suffix}`,
      allowed: READERS,
      call: async (role: (typeof ROLES)[number]) => (await api.as(role).get(`/rectifications/${NOBODY}${suffix}`)).status,
    })),
    { name: 'PUT /policies/sla', allowed: ['admin'], call: async (role) => (await api.as(role).put('/policies/sla', {})).status },
    { name: 'PUT /policies/weighting', allowed: ['analysis', 'admin'], call: async (role) => (await api.as(role).put('/policies/weighting', {})).status },
    ...['/policies/sla', '/policies/sla/versions', '/policies/weighting', '/policies/weighting/versions', '/sla/at-risk?within=bad'].map((path) => ({
      name: `GET ${path}`,
      allowed: READERS,
      call: async (role: (typeof ROLES)[number]) => (await api.as(role).get(path)).status,
    })),
    ...['/cases?status=received', `/cases/${NOBODY}`, '/rectifications?step=1'].map((path) => ({
      name: `GET ${path}`,
      allowed: READERS,
      call: async (role: (typeof ROLES)[number]) => (await api.as(role).get(path)).status,
    })),
    // Appraisals of others (each member of staff may read their own: test/appraisal.spec.ts).
    ...['/analytics/complaints?groupBy=category', '/projections', '/appraisal/staff?period=2026-10', '/appraisal/staff/someone-else?period=2026-10', '/appraisal/departments/elsewhere?period=2026-10'].map((path) => ({
      name: `GET ${path}`,
      allowed: ANALYSTS,
      call: async (role: (typeof ROLES)[number]) => (await api.as(role).get(path)).status,
    })),
    { name: 'POST /complainants/:id/erase', allowed: ERASERS, call: async (role) => (await api.as(role).post('/complainants/nobody/erase', {})).status },
    { name: 'POST /subscriptions', allowed: ['admin'], call: async (role) => (await api.as(role).post('/subscriptions', {})).status },
    ...['/subscriptions', `/subscriptions/${NOBODY}`].map((path) => ({ name: `GET ${path}`, allowed: ['admin'], call: async (role: (typeof ROLES)[number]) => (await api.as(role).get(path)).status })),
    { name: 'POST /subscriptions/:id/resume', allowed: ['admin'], call: async (role) => (await api.as(role).post(`/subscriptions/${NOBODY}/resume`)).status },
    { name: 'GET /events', allowed: FEED_READERS, call: async (role) => (await api.as(role).get('/events?limit=1')).status },
    { name: 'GET /events/changes', allowed: READERS, call: async (role) => (await api.as(role).get('/events/changes?limit=1')).status },
    ...['', '/history', '/state?atRevision=0', '/verify'].map((suffix) => ({
      name: `GET /complaints/:id${suffix}`,
      allowed: READERS,
      call: async (role: (typeof ROLES)[number]) => (await api.as(role).get(`/complaints/${NOBODY}${suffix}`)).status,
    })),
  ];

  it.each(routes)('$name', async ({ allowed, call }) => {
    const answers = Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, await call(role)] as const)));
    const expected = Object.fromEntries(ROLES.map((role) => [role, allowed.includes(role) ? 'let through' : 403]));
    expect(Object.fromEntries(Object.entries(answers).map(([role, status]) => [role, status === 403 ? 403 : 'let through']))).toEqual(expected);
    for (const status of Object.values(answers)) expect([200, 400, 403, 404]).toContain(status);
  });
});
