import type { StaffMember } from '../auth/actor';

/** Analysis, appraisal and projection health: the roles that study figures rather than work cases. */
export const ANALYSTS: readonly StaffMember['role'][] = ['supervisor', 'analysis', 'auditor', 'analyst', 'admin'];
