import { authFromEnv, authRoutes } from '#shared/auth/http.ts';
import { requiredEnv } from '#shared/config.ts';
import { httpFunction, type ErrorPageViewer } from '#shared/http/handler.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';

const registry = new JurisdictionStore(requiredEnv('TABLE_NAME'));
// A federated agency's users sign in only while their jurisdiction is an active member of the partnership.
const auth = authFromEnv({ acceptJurisdiction: async (id) => (await registry.get(id))?.active === true });

// Error pages are the only HTML this function writes (its routes redirect or answer JSON): the page layout loads
// with the first one, not at every cold start.
const errorPage = async (statusCode: number, requestId: string, message: string, viewer?: ErrorPageViewer) => (await import('#shared/web/components/page.tsx')).errorPage(statusCode, requestId, message, viewer);

export const handler = httpFunction(authRoutes(auth), { sessions: auth.sessions, errorPage });
