// The entry point (infra/constructs/platform-function.ts bundles functions/<id>/handler.ts); the pages are JSX.
export { handler } from './pages.tsx';
