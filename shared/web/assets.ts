/** The web assets manifest (logical name → hashed path under /assets/), bundled into the web function at synth. */
declare const __WEB_ASSETS__: Record<string, string> | undefined;

const manifest: Record<string, string> = typeof __WEB_ASSETS__ !== 'undefined' ? __WEB_ASSETS__ : {};

/** The URL of an asset by logical name (`uswds.css`, `main.js`, ...); unbundled code (unit tests) gets the logical name. */
export const assetUrl = (logical: string): string => `/assets/${manifest[logical] ?? logical}`;
