import { renderToString } from 'preact-render-to-string';
import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import { auditEventSchema } from '#shared/audit/model.ts';
import { newAuditEvent } from '#shared/audit/store.ts';
import { AuditPage } from '#shared/audit/web/admin-pages.tsx';

const actor = { subject: 'sub-1', role: 'reviewer', jurisdictionId: 'ky-dcbs', requestId: 'req-1' };
const at = new Date('2026-11-30T10:00:00.000Z');

describe('the audit log names the person', () => {
  it('keeps the display name the session knew on the event when it is written', () => {
    const event = newAuditEvent({ ...actor, displayName: 'Jordan Reyes' }, { action: 'record.read', recordId: '01J' }, at, 'e1');
    expect(event.actor).toEqual({ subject: 'sub-1', role: 'reviewer', jurisdictionId: 'ky-dcbs', displayName: 'Jordan Reyes' });
    expect(newAuditEvent(actor, { action: 'record.read' }, at, 'e2').actor).not.toHaveProperty('displayName');
  });

  it('shows name and role, and the role only for older events written without a name', () => {
    const named = newAuditEvent({ ...actor, displayName: 'Jordan <b>Reyes</b>' }, { action: 'record.read', recordId: '01J' }, at, 'e1');
    const older = auditEventSchema.parse({ eventId: 'e0', jurisdictionId: 'ky-dcbs', at: at.toISOString(), action: 'record.saved', actor: { subject: 's', role: 'submitter', jurisdictionId: 'ky-dcbs' }, requestId: 'r' });
    const html = renderToString(h(AuditPage, { events: [named, older], allJurisdictions: false, jurisdictionId: 'ky-dcbs', linkRecords: false, paged: false }));
    const cells = [...html.matchAll(/<td data-label="Who">(.*?)<\/td>/g)].map((m) => m[1]);
    expect(cells).toEqual(['Jordan &lt;b>Reyes&lt;/b><span class="display-block text-base">Reviewer (agency review lead)</span>', 'Submitter (agency staff)']);
  });
});
