// rate-limiter-flexible types only its index; the memory limiter is imported by path (shared/http/csp-reports.ts).
declare module 'rate-limiter-flexible/lib/RateLimiterMemory.js' {
  import { RateLimiterMemory } from 'rate-limiter-flexible';
  export default RateLimiterMemory;
}
