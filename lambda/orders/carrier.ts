/** Countries (ISO 3166-1 alpha-2) the simulated carrier delivers to. */
export const SHIPPING_COUNTRIES: ReadonlySet<string> = new Set(['GB', 'IE', 'FR', 'DE', 'NL', 'BE', 'ES', 'IT', 'PT', 'US', 'CA']);
