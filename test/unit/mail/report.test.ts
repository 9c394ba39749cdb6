import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/errors.ts';
import { parseMailMessage } from '#shared/mail/message.ts';
import { reportPublishedMail } from '#shared/mail/templates/report.tsx';
import type { ReleaseDocument } from '#shared/reports/model.ts';
import { ownDocument, partnershipDocument } from '../../support/report-fixtures.ts';

const ORIGIN = 'https://safety.example.org';

describe('the published-report email', () => {
  it("names the period in the subject, states the headline figures as text in both parts, and links to sign in and return to the report", () => {
    const mail = reportPublishedMail({ document: partnershipDocument(), appOrigin: ORIGIN });
    expect(mail.subject).toBe('Partnership report for March 2026 is ready');
    const link = `${ORIGIN}/auth/sign-in?returnTo=%2Freports%2Fmonthly%2F2026-03`;
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('Approved reviews in March 2026');
      expect(part).toContain('231 of 305 (76%)');
      expect(part).toContain('January to March 2026');
      expect(part).toContain(link.replace(/&/g, part === mail.html ? '&amp;' : '&'));
    }
    expect(mail.text).toContain('Approved reviews in March 2026: 127\n');
    expect(mail.text).toContain(`Sign in to read the whole report, with its charts, tables and files:\n${link}\n`);
    expect(mail.html).toMatch(new RegExp(`<a href="${link.replace(/[.?]/g, '\\$&')}"[^>]*>Sign in and read the report</a>`));
    expect(parseMailMessage({ kind: 'report_published', to: 'lead@example.org', ...mail }).subject).toBe(mail.subject);
  });

  it("a jurisdiction admin's email is about the jurisdiction's own report and says to keep it in the agency", () => {
    const mail = reportPublishedMail({ document: ownDocument(), appOrigin: ORIGIN });
    expect(mail.subject).toBe('Kentucky DCBS: your own monthly report for March 2026 is ready');
    expect(mail.text).toContain(`${ORIGIN}/auth/sign-in?returnTo=%2Freports%2Fmonthly%2F2026-03%2Fjurisdictions%2Fky-dcbs`);
    expect(mail.text).toContain('Please do not forward it outside your agency.');
    expect(mail.html).toContain('Kentucky DCBS');
  });

  it('carries only the headline: no table, no chart, no SVG, no attachment, and no count of the tables (shown or suppressed)', () => {
    const doc = partnershipDocument();
    // A count only the tables hold: if any table cell reached the email, it would show.
    const marked: ReleaseDocument = { ...doc, tables: doc.tables.map((t) => ({ ...t, rows: t.rows.map((r) => ({ ...r, cells: r.cells.map((c) => (c.shown ? { shown: true as const, value: 97_531 } : c)) })) })) };
    const mail = reportPublishedMail({ document: marked, appOrigin: ORIGIN });
    for (const part of [mail.subject, mail.html, mail.text]) {
      expect(part).not.toMatch(/97,?531/);
      expect(part).not.toContain('Suppressed');
      expect(part).not.toContain('Safety notices by theme');
      expect(part).not.toMatch(/<svg|<img|<table(?![^>]*role="presentation")/i);
    }
    expect(Object.keys(mail).sort()).toEqual(['html', 'subject', 'text']);
  });

  it('refuses a link that is not http(s), and strips control characters from what it prints', () => {
    expect(() => reportPublishedMail({ document: partnershipDocument(), appOrigin: 'javascript:alert(1)' })).toThrow(ValidationError);
    const doc = partnershipDocument();
    const mail = reportPublishedMail({ document: { ...doc, headline: [{ label: 'Reviews\r\nBcc: x@evil.example', value: '12' }] }, appOrigin: ORIGIN });
    expect(mail.text).toContain('Reviews Bcc: x@evil.example: 12');
    expect(mail.text).not.toContain('\r');
  });
});
