import { authFromEnv, authRoutes } from '#shared/auth/http.ts';
import { requiredEnv } from '#shared/config.ts';
import { httpFunction } from '#shared/http/handler.ts';
import { JurisdictionStore } from '#shared/jurisdictions/store.ts';
import { errorPage } from '#shared/web/page.tsx';

const registry = new JurisdictionStore(requiredEnv('TABLE_NAME'));
// A federated agency's users sign in only while their jurisdiction is an active member of the partnership.
const auth = authFromEnv({ acceptJurisdiction: async (id) => (await registry.get(id))?.active === true });

export const handler = httpFunction(authRoutes(auth), { sessions: auth.sessions, errorPage });
