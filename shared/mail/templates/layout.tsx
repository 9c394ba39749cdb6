/**
 * The HTML of every email, built for the clients people read mail in: layout tables (role="presentation"), inline
 * styles only (Gmail drops <style>, Outlook's Word engine ignores most CSS), no images, no SVG, no external CSS or
 * fonts. The body is fluid up to 600 px; Outlook on Windows, which ignores max-width, gets a fixed 600 px table
 * through a conditional comment ("ghost table"). Buttons are links inside a coloured cell, which Word also draws.
 * preact renders the parts, so every text and attribute is escaped.
 */
import type { ComponentChildren, JSX } from 'preact';
import { render } from 'preact-render-to-string';

/** USWDS colours (contrast with their backgrounds checked by axe in the browser tests). */
export const COLORS = {
  ink: '#1b1b1b',
  muted: '#565c65',
  page: '#f0f0f0',
  border: '#dfe1e2',
  header: '#162e51',
  primary: '#005ea2',
  approve: '#216e1f',
  return: '#b50909',
  overdue: '#b50909',
} as const;

const FONT = "'Public Sans', 'Source Sans Pro', 'Helvetica Neue', Helvetica, Arial, sans-serif";
const TEXT = `font-family:${FONT};color:${COLORS.ink};font-size:16px;line-height:1.5;`;

/** A paragraph. */
export function P({ children, muted, small }: { children: ComponentChildren; muted?: boolean; small?: boolean }) {
  return <p style={`${TEXT}margin:0 0 16px 0;${muted ? `color:${COLORS.muted};` : ''}${small ? 'font-size:14px;' : ''}`}>{children}</p>;
}

/** The footer's lines: why the person gets the email, what not to do with it. */
export function Footer({ lines }: { lines: readonly string[] }) {
  return (
    <>
      {lines.map((line) => (
        <P muted small>
          {line}
        </P>
      ))}
    </>
  );
}

export function H1({ children }: { children: ComponentChildren }) {
  return <h1 style={`${TEXT}font-size:24px;line-height:1.25;font-weight:bold;margin:0 0 16px 0;`}>{children}</h1>;
}

export function H2({ children }: { children: ComponentChildren }) {
  return <h2 style={`${TEXT}font-size:20px;line-height:1.25;font-weight:bold;margin:24px 0 8px 0;`}>{children}</h2>;
}

/** A link in running text. */
export function A({ href, children }: { href: string; children: ComponentChildren }) {
  return (
    <a href={href} style={`color:${COLORS.primary};text-decoration:underline;`}>
      {children}
    </a>
  );
}

/** Label / value rows: the record's facts. */
export function Facts({ rows }: { rows: readonly [label: string, value: ComponentChildren][] }) {
  return (
    <table role="presentation" style="border-collapse:collapse;width:100%;margin:0 0 24px 0;">
      {rows.map(([label, value]) => (
        <tr>
          {/* The body's overflow-wrap:anywhere is for long links; a label keeps its words whole, its column widening on a phone. */}
          <td style={`${TEXT}color:${COLORS.muted};padding:6px 16px 6px 0;border-top:1px solid ${COLORS.border};vertical-align:top;width:35%;overflow-wrap:normal;word-break:normal;`}>{label}</td>
          <td style={`${TEXT}padding:6px 0;border-top:1px solid ${COLORS.border};vertical-align:top;font-weight:bold;`}>{value}</td>
        </tr>
      ))}
    </table>
  );
}

export interface ButtonSpec {
  href: string;
  label: string;
  color: string;
}

/**
 * A button's link. Word drops a link's padding, so Outlook on Windows alone gets it from a cell of its own, inside a
 * conditional comment (the link is rendered by preact, hence escaped; the comments are constants).
 */
function msoPadded(b: ButtonSpec): string {
  const link = render(
    <a href={b.href} style={`${TEXT}display:inline-block;color:#ffffff;background-color:${b.color};font-weight:bold;text-decoration:none;padding:12px 20px;border-radius:4px;`}>
      {b.label}
    </a>,
  );
  return `<!--[if mso]><table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr><td style="padding:12px 20px;"><![endif]-->${link}<!--[if mso]></td></tr></table><![endif]-->`;
}

/**
 * Bulletproof buttons: coloured cells holding links (padding on a link is lost in Outlook, on a cell it is kept).
 * Each is its own inline table, so they sit side by side and wrap on a phone; Outlook stacks them.
 */
export function Buttons({ buttons }: { buttons: readonly ButtonSpec[] }) {
  return (
    <div style="margin:0 0 12px 0;">
      {buttons.map((b) => (
        <table role="presentation" style="display:inline-table;border-collapse:separate;border-spacing:0;margin:0 12px 12px 0;">
          <tr>
            <td style={`background-color:${b.color};border-radius:4px;padding:0;`} dangerouslySetInnerHTML={{ __html: msoPadded(b) }} />
          </tr>
        </table>
      ))}
    </div>
  );
}

export interface EmailDocumentProps {
  /** The <title>: the subject. */
  title: string;
  /** Shown in the inbox list before the message is opened. */
  preview: string;
  jurisdictionName: string;
  children: ComponentChildren;
  /** Why the person gets this email and what it never contains. */
  footer: ComponentChildren;
}

function Body({ jurisdictionName, children, footer }: Pick<EmailDocumentProps, 'jurisdictionName' | 'children' | 'footer'>): JSX.Element {
  return (
    <table role="presentation" style={`border-collapse:collapse;width:100%;background-color:#ffffff;border:1px solid ${COLORS.border};`}>
      <tr>
        <td style={`background-color:${COLORS.header};padding:16px 24px;`}>
          <p style={`${TEXT}color:#ffffff;font-size:14px;margin:0;`}>NPCS safety platform</p>
          <p style={`${TEXT}color:#ffffff;font-size:18px;font-weight:bold;margin:0;`}>{jurisdictionName}</p>
        </td>
      </tr>
      <tr>
        <td style="padding:24px;overflow-wrap:anywhere;">{children}</td>
      </tr>
      <tr>
        <td style={`padding:16px 24px;border-top:1px solid ${COLORS.border};background-color:${COLORS.page};`}>{footer}</td>
      </tr>
    </table>
  );
}

/** The whole HTML document of an email. */
export function emailDocument(props: EmailDocumentProps): string {
  const head = render(
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="light" />
      <title>{props.title}</title>
    </head>,
  );
  // The preview text is hidden from view and from screen readers (it repeats the first lines); Outlook on Windows,
  // which may show a hidden div, does not get it (it takes its preview from the body).
  const preview = `<!--[if !mso]><!-->${render(
    <div style="display:none;max-height:0;overflow:hidden;" aria-hidden="true">
      {props.preview}
    </div>,
  )}<!--<![endif]-->`;
  const body = render(<Body jurisdictionName={props.jurisdictionName} footer={props.footer}>{props.children}</Body>);
  return (
    `<!DOCTYPE html><html lang="en">${head}` +
    `<body style="margin:0;padding:0;background-color:${COLORS.page};">${preview}` +
    `<!--[if mso]><table role="presentation" width="600" align="center" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->` +
    `<div style="max-width:600px;margin:0 auto;padding:16px 8px;">${body}</div>` +
    `<!--[if mso]></td></tr></table><![endif]-->` +
    `</body></html>`
  );
}

/** The plain-text part: blocks separated by an empty line, links on their own line. */
export function plainText(blocks: readonly (string | readonly string[] | false | undefined)[]): string {
  return `${blocks
    .filter((b): b is string | readonly string[] => b !== false && b !== undefined && b.length > 0)
    .map((b) => (typeof b === 'string' ? b : b.join('\n')))
    .join('\n\n')}\n`;
}
